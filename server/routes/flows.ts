import { Hono } from 'hono';
import { CompleteFlowRequest, type CompleteFlowResponse, CreateFlowRequest } from '../../lib/protocol';
import type { CompanionEnv } from '../http/env';
import { otherCallsLimit, rateLimit } from '../http/rate-limit';
import { pathId, readJson } from '../http/read-json';
import { cancelFlow, completeFlow, createFlow } from '../services/flows';

export const flowsRoutes = new Hono<CompanionEnv>()
  .post(
    '/',
    rateLimit('flows', (limits) => limits.flowsPerMinute),
    // A new key costs nothing; the consumer key's quota at the provider does.
    rateLimit('new-flows', (limits) => limits.allFlowsPerMinute, 'all'),
    async (c) => {
      const input = await readJson(c, CreateFlowRequest);
      return c.json(await createFlow(c.get('context'), c.get('installId'), input), 201);
    },
  )
  .post(
    '/:flowId/complete',
    rateLimit('flows', (limits) => limits.flowsPerMinute),
    async (c) => {
      const flowId = pathId(c, 'flowId');
      const input = await readJson(c, CompleteFlowRequest);
      const answer: CompleteFlowResponse = {
        account: await completeFlow(c.get('context'), c.get('installId'), flowId, input),
      };
      return c.json(answer, 201);
    },
  )
  .delete('/:flowId', otherCallsLimit(), async (c) => {
    await cancelFlow(c.get('context'), c.get('installId'), pathId(c, 'flowId'));
    return c.body(null, 204);
  });
