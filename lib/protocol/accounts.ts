import { z } from 'zod';
import { Id, ProviderId, Timestamp } from './common';

export const AccountStatus = z.enum(['active', 'invalid']);

/** An account as the extension sees it: never a token or a secret. */
export const Account = z.object({
  id: Id,
  provider: ProviderId,
  userId: z.string(),
  screenName: z.string(),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
  status: AccountStatus,
});
export type Account = z.infer<typeof Account>;

/** `GET /v1/accounts` */
export const AccountsResponse = z.object({ accounts: z.array(Account) });
export type AccountsResponse = z.infer<typeof AccountsResponse>;

/** `DELETE /v1/accounts/{id}` */
export const RevokeResponse = z.object({
  revoked: z.literal(true),
  providerRevoked: z.union([z.boolean(), z.literal('unsupported')]),
});
export type RevokeResponse = z.infer<typeof RevokeResponse>;
