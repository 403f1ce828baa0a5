import { z } from 'zod';
import { ProviderId } from './common';

export const FlowMode = z.enum(['callback', 'oob']);
export type FlowMode = z.infer<typeof FlowMode>;

export const ProviderSummary = z.object({
  id: ProviderId,
  name: z.string(),
  modes: z.array(FlowMode),
});
export type ProviderSummary = z.infer<typeof ProviderSummary>;

/** `GET /v1/providers` */
export const ProvidersResponse = z.object({ providers: z.array(ProviderSummary) });
export type ProvidersResponse = z.infer<typeof ProvidersResponse>;
