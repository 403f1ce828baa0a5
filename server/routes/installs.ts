import { Hono } from 'hono';
import type { CompanionEnv } from '../http/env';
import { otherCallsLimit } from '../http/rate-limit';
import { forgetInstall } from '../services/accounts';

/** `DELETE /v1/installs/me`: "Forget this device". */
export const installsRoutes = new Hono<CompanionEnv>().delete('/me', otherCallsLimit(), async (c) => {
  return c.json(await forgetInstall(c.get('context'), c.get('installId')));
});
