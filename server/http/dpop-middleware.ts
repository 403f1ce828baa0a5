import { createMiddleware } from 'hono/factory';
import { verifyProof } from '../dpop/verify-proof';
import type { CompanionEnv } from './env';

/**
 * Every /v1 request must carry a DPoP proof for its own method and URL. The
 * URL is rebuilt from PUBLIC_URL, not from the Host header, so a proof made
 * for this companion only ever verifies here.
 */
export const requireProof = createMiddleware<CompanionEnv>(async (c, next) => {
  const context = c.get('context');
  const { installId } = await verifyProof(c.req.header('dpop'), {
    method: c.req.method,
    url: `${context.settings.publicUrl}${new URL(c.req.url).pathname}`,
    now: context.now(),
    remember: (key, expiresAtSeconds) => context.store.rememberProofId(key, expiresAtSeconds),
  });
  c.set('installId', installId);
  const now = context.now();
  if (context.lastSeenWrites.due(`install:${installId}`, now)) await context.store.touchInstall(installId, now);
  await next();
});
