import { Hono } from 'hono';
import type { ProvidersResponse } from '../../lib/protocol';
import { retirementStage } from '../config/retirement';
import type { CompanionEnv } from '../http/env';
import { otherCallsLimit } from '../http/rate-limit';

export const providersRoutes = new Hono<CompanionEnv>().get('/', otherCallsLimit(), (c) => {
  const context = c.get('context');
  const now = context.now();
  const answer: ProvidersResponse = {
    providers: [...context.settings.providers.values()].map((p) => ({
      id: p.id,
      name: p.name,
      modes: [...p.modes],
      apiBaseUrls: [...p.apiBaseUrls],
      ...(p.accessLevels ? { accessLevels: ['read' as const, 'write' as const] } : {}),
      // Announced from 30 days before the last day: the popup shows it on the provider's accounts.
      ...(p.retirement && retirementStage(p.retirement, now) !== 'active' ? { retirement: p.retirement } : {}),
    })),
  };
  return c.json(answer);
});
