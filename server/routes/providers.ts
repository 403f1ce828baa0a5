import { Hono } from 'hono';
import type { ProvidersResponse } from '../../lib/protocol';
import type { CompanionEnv } from '../http/env';

export const providersRoutes = new Hono<CompanionEnv>().get('/', (c) => {
  const answer: ProvidersResponse = {
    providers: [...c.get('context').settings.providers.values()].map((p) => ({
      id: p.id,
      name: p.name,
      modes: [...p.modes],
      apiBaseUrls: [...p.apiBaseUrls],
    })),
  };
  return c.json(answer);
});
