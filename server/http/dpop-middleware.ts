import { createMiddleware } from 'hono/factory';
import { verifyProof } from '../dpop/verify-proof';
import type { CompanionEnv } from './env';

/**
 * Every /v1 request must carry a DPoP proof for its own method and URL. The
 * URL is rebuilt from PUBLIC_URL, not from the Host header, so a proof made
 * for this companion only ever verifies here. A proof writes only its replay
 * record (kept a minute): an install's own row is written when it starts a
 * flow (services/flows.ts), so keys that never do anything leave nothing for a
 * day (5,000 fresh keys in 5 s used to write 5,000 rows kept 24 h).
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
  await next();
});
