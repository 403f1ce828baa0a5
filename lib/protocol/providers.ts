import { z } from 'zod';
import { ProviderId } from './common';

export const FlowMode = z.enum(['callback', 'oob']);
export type FlowMode = z.infer<typeof FlowMode>;

export const ProviderSummary = z.object({
  id: ProviderId,
  name: z.string(),
  modes: z.array(FlowMode),
  apiBaseUrls: z
    .array(z.string())
    .describe(
      'Where the signing proxy may send calls for this provider: public, so the extension can refuse a stray URL before asking the user.',
    ),
});
export type ProviderSummary = z.infer<typeof ProviderSummary>;

/** `GET /v1/providers` */
export const ProvidersResponse = z
  .object({ providers: z.array(ProviderSummary) })
  .meta({ description: 'The providers this companion is configured for.' });
export type ProvidersResponse = z.infer<typeof ProvidersResponse>;
