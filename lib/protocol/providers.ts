import * as z from 'zod/mini';
import { AccessLevel, ProviderId } from './common';

export const FlowMode = z.enum(['callback', 'oob']);
export type FlowMode = z.infer<typeof FlowMode>;

/** A provider's announced end of OAuth 1.0a: its last day, and what it means for the user. */
export const ProviderRetirement = z.object({
  on: z.iso
    .date()
    .check(
      z.describe('The last day (UTC) on which the provider takes OAuth 1.0a; new connections are refused after it.'),
    ),
  note: z.string().check(z.describe('One sentence for the user: what happens and what to do.')),
});
export type ProviderRetirement = z.infer<typeof ProviderRetirement>;

export const ProviderSummary = z.object({
  id: ProviderId,
  name: z.string(),
  modes: z.array(FlowMode),
  apiBaseUrls: z
    .array(z.string())
    .check(
      z.describe(
        'Where the signing proxy may send calls for this provider: public, so the extension can refuse a stray URL before asking the user.',
      ),
    ),
  accessLevels: z
    .optional(z.array(AccessLevel))
    .check(z.describe('Present when a connection may ask for read or write access (`access` of `POST /v1/flows`).')),
  retirement: z
    .optional(ProviderRetirement)
    .check(
      z.describe(
        'Present from 30 days before the provider retires OAuth 1.0a, and after: the popup shows it on its accounts.',
      ),
    ),
});
export type ProviderSummary = z.infer<typeof ProviderSummary>;

/** `GET /v1/providers` */
export const ProvidersResponse = z
  .object({ providers: z.array(ProviderSummary) })
  .check(z.meta({ description: 'The providers this companion is configured for.' }));
export type ProvidersResponse = z.infer<typeof ProvidersResponse>;
