import type { UseStore } from 'idb-keyval';
import { pruneSiteConsents } from '../consent/site-consents';
import { ExtensionError } from '../errors/extension-error';
import { type AccountsPort, type FlowEngineDeps, startConnect } from '../flows/flow-engine';
import { changeState, type PendingFlow, readState, withAccounts } from '../flows/flow-state';
import type { Account, RevokeResponse } from '../protocol';

/**
 * The user's accounts at the companion, as the extension keeps them: the list
 * last fetched (in the extension state, beside the pending flows, so the popup
 * shows it at once), refreshed from the companion, revoked there, reconnected.
 * Above lib/flows and lib/consent: a refresh prunes the site grants of
 * accounts that are gone, and a reconnection is a flow. Those folders get the
 * refresh through their deps (`AccountsPort`, SignedActionDeps), never by import.
 */

/** The accounts as last fetched; empty before the first refresh. */
export async function readAccounts(store: UseStore): Promise<readonly Account[]> {
  return (await readState(store)).accounts;
}

/**
 * Fetches the accounts from the companion and keeps them for the popup's next
 * first paint; prunes the site grants of accounts that are gone and sets the
 * toolbar badge (`!` while any account is not active). Fetched from a
 * companion the user left or forgot meanwhile, nothing is written and the
 * (fresh) cached list is returned.
 * @throws ExtensionError when the companion cannot be asked
 */
export async function refreshAccounts(deps: FlowEngineDeps): Promise<Account[]> {
  const accounts = await deps.client.accounts();
  // Fetched from a companion the user has left or forgotten meanwhile: the fresh state stays fresh.
  if (!deps.store.guard.current()) return [...(await readState(deps.store)).accounts];
  await changeState(deps.store, (s) => [withAccounts(s, accounts), undefined]);
  // A site's "always" for an account that is gone must not carry over to anything.
  await pruneSiteConsents(deps.store, accounts);
  deps.browser.setBadge(accounts.some((account) => account.status !== 'active') ? '!' : '');
  return accounts;
}

/** The refresh as the flow engine calls it after a connection (FlowEngineDeps.accounts). */
export const accountsPort: AccountsPort = { refresh: refreshAccounts };

/**
 * Connects an account again, for the access it lacks or a token that expired:
 * a flow for its provider that must come back as its user, whose token then
 * replaces the old one in place (same account id: sites keep their consent).
 * The provider is asked for its login, prefilled with the account's name.
 * @throws ExtensionError `account_not_found` for an account not in the list
 */
export async function reconnectAccount(deps: FlowEngineDeps, accountId: string): Promise<PendingFlow> {
  const account = (await readAccounts(deps.store)).find((known) => known.id === accountId);
  if (!account) throw new ExtensionError('account_not_found', 'no such account here: refresh the popup');
  return startConnect(deps, account.provider, 'callback', {
    accountId,
    forceLogin: true,
    screenName: account.screenName,
  });
}

/**
 * Revokes every account at the companion, one after the other, then refreshes.
 * @returns how many were revoked
 * @throws ExtensionError from the first revocation that fails (the ones before it stay revoked)
 */
export async function revokeAllAccounts(deps: FlowEngineDeps): Promise<{ revoked: number }> {
  const accounts = await deps.client.accounts();
  for (const account of accounts) await deps.client.revoke(account.id);
  await refreshAccounts(deps);
  return { revoked: accounts.length };
}

/**
 * Revokes one account at the companion (which tries the provider too), then refreshes.
 * @throws ExtensionError `account_not_found` and the companion's other codes
 */
export async function revokeAccount(deps: FlowEngineDeps, accountId: string): Promise<RevokeResponse> {
  const answer = await deps.client.revoke(accountId);
  await refreshAccounts(deps);
  return answer;
}
