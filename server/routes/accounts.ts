import { Hono } from 'hono';
import { type AccountsResponse, ProxyRequest } from '../../lib/protocol';
import type { CompanionEnv } from '../http/env';
import { proxyEnvelope } from '../http/proxy-envelope';
import { otherCallsLimit, rateLimit } from '../http/rate-limit';
import { pathId, readJson } from '../http/read-json';
import { listAccounts, revokeAccount } from '../services/accounts';
import { proxyRequest } from '../services/proxy';

export const accountsRoutes = new Hono<CompanionEnv>()
  .get('/', otherCallsLimit(), async (c) => {
    const answer: AccountsResponse = { accounts: await listAccounts(c.get('context'), c.get('installId')) };
    return c.json(answer);
  })
  .delete('/:accountId', otherCallsLimit(), async (c) => {
    return c.json(await revokeAccount(c.get('context'), c.get('installId'), pathId(c, 'accountId')));
  })
  .post(
    '/:accountId/requests',
    rateLimit('requests', (limits) => limits.requestsPerMinute),
    async (c) => {
      const accountId = pathId(c, 'accountId');
      const input = await readJson(c, ProxyRequest);
      return proxyEnvelope(await proxyRequest(c.get('context'), c.get('installId'), accountId, input, c.get('logger')));
    },
  );
