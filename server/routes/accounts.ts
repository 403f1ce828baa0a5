import { Hono } from 'hono';
import type { AccountsResponse } from '../../lib/protocol';
import { MAX_BODY_BYTES } from '../http/body-limits';
import type { CompanionEnv } from '../http/env';
import { proxyEnvelope } from '../http/proxy-envelope';
import { otherCallsLimit, rateLimit } from '../http/rate-limit';
import { pathId } from '../http/read-json';
import { readProxyInput } from '../http/read-proxy-input';
import { listAccounts, revokeAccount } from '../services/accounts';
import { callTarget, proxyRequest } from '../services/proxy';

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
      const context = c.get('context');
      const installId = c.get('installId');
      const accountId = pathId(c, 'accountId');
      // The files' bytes are held (in the install's share of the budget) until the provider has them.
      const filesReservation = context.upstream.answerBudget.open(installId);
      try {
        const input = await readProxyInput(c, {
          maxUploadBytes: context.settings.maxUploadBytes,
          maxRequestPartBytes: MAX_BODY_BYTES,
          reservation: filesReservation,
          checkRequest: async (request) => void (await callTarget(context, installId, accountId, request)),
        });
        return proxyEnvelope(await proxyRequest(context, installId, accountId, input, c.get('logger')));
      } finally {
        filesReservation.release();
      }
    },
  );
