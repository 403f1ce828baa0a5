import * as z from 'zod/mini';
import { AccessLevel, Id, ProviderId, Timestamp } from './common';

export const AccountStatus = z
  .enum(['active', 'invalid', 'needs_permission', 'expired'])
  .check(
    z.describe(
      '`invalid`: the provider rejected its token; `needs_permission`: it refused a call for lack of access (a read-only token asked to write); `expired`: its token expired. All but `active` need a reconnect.',
    ),
  );

/** An account as the extension sees it: never a token or a secret. */
export const Account = z
  .object({
    id: Id,
    provider: ProviderId,
    userId: z.string().check(z.describe('The user id at the provider.')),
    screenName: z.string(),
    createdAt: Timestamp,
    lastUsedAt: z.nullable(Timestamp).check(z.describe('The last signed call (written at most once a minute).')),
    status: AccountStatus,
    access: z
      .nullable(AccessLevel)
      .check(z.describe('The access asked for when it was connected; null for a provider without access levels.')),
    expiresAt: z
      .nullable(Timestamp)
      .check(z.describe('When its token expires, where the provider said; null when it did not.')),
  })
  .check(z.meta({ description: 'A connected account as the extension sees it: never a token or a secret.' }));
export type Account = z.infer<typeof Account>;

/** `GET /v1/accounts` */
export const AccountsResponse = z
  .object({ accounts: z.array(Account) })
  .check(z.meta({ description: "This install's accounts." }));
export type AccountsResponse = z.infer<typeof AccountsResponse>;

/** `DELETE /v1/accounts/{id}` */
export const RevokeResponse = z
  .object({
    revoked: z.literal(true),
    providerRevoked: z
      .union([z.boolean(), z.literal('unsupported')])
      .check(
        z.describe(
          "Whether the provider's invalidate-token call succeeded: `false` on refusal, failure or tokens that no longer open, `unsupported` when it has none. The account is deleted here either way.",
        ),
      ),
  })
  .check(z.meta({ description: 'The account is deleted here.' }));
export type RevokeResponse = z.infer<typeof RevokeResponse>;
