import type { Account, ForgetInstallResponse, RevokeResponse } from '../../lib/protocol';
import { CompanionError } from '../errors';
import type { AccountRow } from '../store/store';
import { invalidateToken } from '../upstream/provider-client';
import { accountSealingContext } from '../vault/sealing-context';
import type { ServiceContext } from './context';

/** An account row as the extension may see it: ids, names, dates, status; never a token. */
export function accountView(row: AccountRow): Account {
  return {
    id: row.id,
    provider: row.provider,
    userId: row.userId,
    screenName: row.screenName,
    createdAt: new Date(row.createdAt).toISOString(),
    lastUsedAt: row.lastUsedAt === null ? null : new Date(row.lastUsedAt).toISOString(),
    status: row.status,
    access: row.access,
    expiresAt: row.expiresAt === null ? null : new Date(row.expiresAt).toISOString(),
  };
}

export function openAccountTokens(context: ServiceContext, row: AccountRow): { token: string; tokenSecret: string } {
  const ad = accountSealingContext(row.id, row.installId);
  return { token: context.vault.open(row.token, ad), tokenSecret: context.vault.open(row.tokenSecret, ad) };
}

export async function listAccounts(context: ServiceContext, installId: string): Promise<Account[]> {
  return (await context.store.listAccounts(installId)).map(accountView);
}

/** Revokes at the provider where it can, then deletes here whatever the provider said. */
export async function revokeAccount(
  context: ServiceContext,
  installId: string,
  accountId: string,
): Promise<RevokeResponse> {
  const row = await context.store.findAccount(accountId, installId);
  if (!row) throw new CompanionError('account_not_found', 'no such account for this install');
  const providerRevoked = await revokeAtProvider(context, row);
  await context.store.deleteAccount(accountId, installId);
  return { revoked: true, providerRevoked };
}

/**
 * Asks the provider to invalidate the account's token. Never throws: a
 * provider that refuses, or tokens that no longer open, must not keep the
 * account from being deleted here.
 */
async function revokeAtProvider(context: ServiceContext, row: AccountRow): Promise<boolean | 'unsupported'> {
  const provider = context.settings.providers.get(row.provider);
  if (!provider) return 'unsupported';
  let tokens: { token: string; tokenSecret: string };
  try {
    tokens = openAccountTokens(context, row);
  } catch {
    return false;
  }
  return invalidateToken(provider, tokens.token, tokens.tokenSecret, context.upstream);
}

/** `DELETE /v1/installs/me`: every account revoked where possible, then everything of the install deleted. */
export async function forgetInstall(context: ServiceContext, installId: string): Promise<ForgetInstallResponse> {
  const accounts = await context.store.listAccounts(installId);
  for (const row of accounts) await revokeAtProvider(context, row);
  await context.store.deleteInstall(installId);
  return { accountsRevoked: accounts.length };
}
