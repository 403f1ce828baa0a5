import { createMiddleware } from 'hono/factory';
import type { Settings } from '../config/settings';
import { CompanionError } from '../errors';
import type { CompanionEnv } from './env';

/**
 * A limit in fixed windows kept in the store, so that it holds across
 * instances: per install, or for all installs together. Over it: 429 with
 * Retry-After.
 */
/**
 * The limit of every other /v1 call (reading providers and accounts,
 * revoking, cancelling, forgetting): none of them may be called without end.
 */
export const otherCallsLimit = () => rateLimit('calls', (limits) => limits.callsPerMinute);

export function rateLimit(
  bucket: string,
  limitOf: (limits: Settings['limits']) => number,
  scope: 'install' | 'all' = 'install',
  windowMs = 60_000,
) {
  return createMiddleware<CompanionEnv>(async (c, next) => {
    const context = c.get('context');
    const limit = limitOf(context.settings.limits);
    const now = context.now();
    const key = scope === 'install' ? `${bucket}:${c.get('installId')}` : `${bucket}:all`;
    const { count, resetAt } = await context.store.hit(key, windowMs, now);
    if (count > limit) {
      const retryAfter = String(Math.max(1, Math.ceil((resetAt - now) / 1000)));
      throw new CompanionError(
        'rate_limited',
        `more than ${limit} ${bucket} requests in ${windowMs / 1000} s; retry in ${retryAfter} s`,
        undefined,
        { 'retry-after': retryAfter },
      );
    }
    await next();
  });
}
