import { z } from 'zod';
import { Account } from './accounts';
import { AccessLevel, Id, ProviderId, Timestamp } from './common';
import { FlowMode } from './providers';

/** `POST /v1/flows` */
export const CreateFlowRequest = z
  .strictObject({
    provider: ProviderId,
    mode: FlowMode.optional().describe('`callback` (the default) or `oob` (the user types a PIN).'),
    forceLogin: z
      .boolean()
      .optional()
      .describe('Ask the provider to show its login even when a session exists (X: force_login).'),
    screenName: z.string().min(1).max(64).optional().describe('Prefill the login (X: screen_name).'),
    accountId: Id.optional().describe(
      'Reconnect this account of this install: its token is replaced in place (same id), and the flow must come back as its user (else `reconnect_other_user`).',
    ),
    access: AccessLevel.optional().describe(
      'For a provider with access levels (its `accessLevels` in the providers answer): `write` (the default) or `read`. Else `access_not_supported`.',
    ),
  })
  .meta({ description: 'Which provider to connect, and how.' });
export type CreateFlowRequest = z.infer<typeof CreateFlowRequest>;

export const CreateFlowResponse = z
  .object({
    flowId: Id,
    authorizeUrl: z.url().describe("Open it in a tab: the provider's authorize (or authenticate) page."),
    requestToken: z.string().describe('The oauth_token the callback must carry back.'),
    callbackUrl: z.url().nullable().describe("The companion's /oauth/callback; null in oob mode."),
    expiresAt: Timestamp.describe('The flow ends 10 minutes after it starts.'),
  })
  .meta({ description: 'A flow bound to this install, with its request token.' });
export type CreateFlowResponse = z.infer<typeof CreateFlowResponse>;

/**
 * `POST /v1/flows/{flowId}/complete`: the callback's parameters, or a PIN as
 * the verifier; or the `denied` token of a callback where the user declined.
 */
export const CompleteFlowRequest = z
  .union([
    z
      .strictObject({
        oauthToken: z
          .string()
          .min(1)
          .max(512)
          .optional()
          .describe("The callback's oauth_token (required in callback mode)."),
        oauthVerifier: z.string().min(1).max(512).describe("The callback's oauth_verifier, or the PIN."),
      })
      .describe("The user approved: the callback's parameters, or the PIN."),
    z
      .strictObject({
        denied: z.string().min(1).max(512).describe("The callback's `denied` token."),
      })
      .describe('The user declined at the provider: the flow ends with `403 flow_denied`.'),
  ])
  .meta({
    description:
      "The callback's parameters, or a PIN as the verifier; or the `denied` token of a callback where the user declined.",
  });
export type CompleteFlowRequest = z.infer<typeof CompleteFlowRequest>;

export const CompleteFlowResponse = z
  .object({ account: Account })
  .meta({ description: 'The connected account (the same one again when that user was already connected).' });
export type CompleteFlowResponse = z.infer<typeof CompleteFlowResponse>;
