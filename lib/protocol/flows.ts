import * as z from 'zod/mini';
import { Account } from './accounts';
import { AccessLevel, Id, ProviderId, Timestamp } from './common';
import { FlowMode } from './providers';

/** A string of 1 to 512 characters: the callback's parameters. */
const callbackValue = () => z.string().check(z.minLength(1), z.maxLength(512));

/** `POST /v1/flows` */
export const CreateFlowRequest = z
  .strictObject({
    provider: ProviderId,
    mode: z.optional(FlowMode).check(z.describe('`callback` (the default) or `oob` (the user types a PIN).')),
    forceLogin: z
      .optional(z.boolean())
      .check(z.describe('Ask the provider to show its login even when a session exists (X: force_login).')),
    screenName: z
      .optional(z.string().check(z.minLength(1), z.maxLength(64)))
      .check(z.describe('Prefill the login (X: screen_name).')),
    accountId: z
      .optional(Id)
      .check(
        z.describe(
          'Reconnect this account of this install: its token is replaced in place (same id), and the flow must come back as its user (else `reconnect_other_user`).',
        ),
      ),
    access: z
      .optional(AccessLevel)
      .check(
        z.describe(
          'For a provider with access levels (its `accessLevels` in the providers answer): `write` (the default) or `read`. Else `access_not_supported`.',
        ),
      ),
  })
  .check(z.meta({ description: 'Which provider to connect, and how.' }));
export type CreateFlowRequest = z.infer<typeof CreateFlowRequest>;

export const CreateFlowResponse = z
  .object({
    flowId: Id,
    authorizeUrl: z.url().check(z.describe("Open it in a tab: the provider's authorize (or authenticate) page.")),
    requestToken: z.string().check(z.describe('The oauth_token the callback must carry back.')),
    callbackUrl: z.nullable(z.url()).check(z.describe("The companion's /oauth/callback; null in oob mode.")),
    expiresAt: Timestamp.check(z.describe('The flow ends 10 minutes after it starts.')),
  })
  .check(z.meta({ description: 'A flow bound to this install, with its request token.' }));
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
          .optional(callbackValue())
          .check(z.describe("The callback's oauth_token (required in callback mode).")),
        oauthVerifier: callbackValue().check(z.describe("The callback's oauth_verifier, or the PIN.")),
      })
      .check(z.describe("The user approved: the callback's parameters, or the PIN.")),
    z
      .strictObject({
        denied: callbackValue().check(z.describe("The callback's `denied` token.")),
      })
      .check(z.describe('The user declined at the provider: the flow ends with `403 flow_denied`.')),
  ])
  .check(
    z.meta({
      description:
        "The callback's parameters, or a PIN as the verifier; or the `denied` token of a callback where the user declined.",
    }),
  );
export type CompleteFlowRequest = z.infer<typeof CompleteFlowRequest>;

export const CompleteFlowResponse = z
  .object({ account: Account })
  .check(z.meta({ description: 'The connected account (the same one again when that user was already connected).' }));
export type CompleteFlowResponse = z.infer<typeof CompleteFlowResponse>;
