import { z } from 'zod';
import { Account } from './accounts';
import { Id, ProviderId, Timestamp } from './common';
import { FlowMode } from './providers';

/** `POST /v1/flows` */
export const CreateFlowRequest = z.strictObject({
  provider: ProviderId,
  mode: FlowMode.optional(),
  /** Ask the provider to show its login even when a session exists (X: force_login). */
  forceLogin: z.boolean().optional(),
  /** Prefill the login (X: screen_name). */
  screenName: z.string().min(1).max(64).optional(),
});
export type CreateFlowRequest = z.infer<typeof CreateFlowRequest>;

export const CreateFlowResponse = z.object({
  flowId: Id,
  authorizeUrl: z.url(),
  requestToken: z.string(),
  callbackUrl: z.url().nullable(),
  expiresAt: Timestamp,
});
export type CreateFlowResponse = z.infer<typeof CreateFlowResponse>;

/**
 * `POST /v1/flows/{flowId}/complete`: the callback's parameters, or a PIN as
 * the verifier; or the `denied` token of a callback where the user declined.
 */
export const CompleteFlowRequest = z.union([
  z.strictObject({
    oauthToken: z.string().min(1).max(512).optional(),
    oauthVerifier: z.string().min(1).max(512),
  }),
  z.strictObject({ denied: z.string().min(1).max(512) }),
]);
export type CompleteFlowRequest = z.infer<typeof CompleteFlowRequest>;

export const CompleteFlowResponse = z.object({ account: Account });
export type CompleteFlowResponse = z.infer<typeof CompleteFlowResponse>;
