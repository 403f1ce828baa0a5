import { get, type UseStore } from 'idb-keyval';
import { isWrite, type SignedActionMethod } from '../messaging/content-protocol';
import type { Account } from '../protocol';
import { changeKey } from '../storage/change-key';
import { type GuardedStore, KEYS } from '../storage/registry';
import type { AccountProblem } from './consent-questions';

/** "Always for this site": an origin may act as one account without asking. */
export interface SiteConsent {
  readonly origin: string;
  readonly provider: string;
  readonly accountId: string;
  readonly screenName: string;
  /** Writes (POST, PUT, PATCH, DELETE) still need a yes every time. */
  readonly confirmWrites: boolean;
  /** Epoch milliseconds. */
  readonly grantedAt: number;
  readonly lastUsedAt: number | null;
}

const KEY = KEYS.siteConsents;

function keyOf(origin: string, accountId: string): string {
  return `${origin} ${accountId}`;
}

export async function listSiteConsents(store: UseStore): Promise<SiteConsent[]> {
  const all = (await get<Record<string, SiteConsent>>(KEY, store)) ?? {};
  return Object.values(all).sort((a, b) => a.origin.localeCompare(b.origin) || a.grantedAt - b.grantedAt);
}

/** Changes the consents in one IndexedDB transaction. */
async function changeConsents(
  store: GuardedStore,
  change: (all: Record<string, SiteConsent>) => Record<string, SiteConsent>,
): Promise<void> {
  await changeKey<Record<string, SiteConsent>, void>(store, KEY, {}, (all) => [change(all), undefined]);
}

export async function grantSiteConsent(store: GuardedStore, consent: SiteConsent): Promise<void> {
  await changeConsents(store, (all) => ({ ...all, [keyOf(consent.origin, consent.accountId)]: consent }));
}

export async function touchSiteConsent(store: GuardedStore, origin: string, accountId: string, at: number) {
  await changeConsents(store, (all) => {
    const found = all[keyOf(origin, accountId)];
    return found ? { ...all, [keyOf(origin, accountId)]: { ...found, lastUsedAt: at } } : all;
  });
}

export async function setConfirmWrites(store: GuardedStore, origin: string, accountId: string, confirmWrites: boolean) {
  await changeConsents(store, (all) => {
    const found = all[keyOf(origin, accountId)];
    return found ? { ...all, [keyOf(origin, accountId)]: { ...found, confirmWrites } } : all;
  });
}

/** Removes an origin's consents (for one account, or all of them); how many went. */
export function revokeSiteConsent(store: GuardedStore, origin: string, accountId?: string): Promise<number> {
  return changeKey<Record<string, SiteConsent>, number>(store, KEY, {}, (all) => {
    const goes = (c: SiteConsent) => c.origin === origin && (accountId === undefined || c.accountId === accountId);
    const kept = Object.entries(all).filter(([, c]) => !goes(c));
    return [Object.fromEntries(kept), Object.keys(all).length - kept.length];
  });
}

/** Consents for accounts that no longer exist go with them. */
export async function pruneSiteConsents(store: GuardedStore, accounts: readonly Account[]): Promise<void> {
  const ids = new Set(accounts.map((a) => a.id));
  await changeConsents(store, (all) => Object.fromEntries(Object.entries(all).filter(([, c]) => ids.has(c.accountId))));
}

export type AccountChoice =
  | { readonly kind: 'account'; readonly account: Account }
  /** Several accounts and no consent that picks one: the user chooses in the consent window. */
  | { readonly kind: 'choose'; readonly accounts: readonly Account[] }
  | { readonly kind: 'none'; readonly reason: string; readonly problem: AccountProblem };

/**
 * Which account a request acts as. A named account must be the user's, for
 * that provider, and usable; otherwise the one this site was allowed to use,
 * or the only one there is.
 */
export function chooseAccount(
  accounts: readonly Account[],
  consents: readonly SiteConsent[],
  origin: string,
  provider: string,
  accountId: string | undefined,
): AccountChoice {
  const usable = accounts.filter((a) => a.provider === provider && a.status === 'active');
  if (accountId !== undefined) {
    const named = usable.find((a) => a.id === accountId);
    return named
      ? { kind: 'account', account: named }
      : { kind: 'none', reason: `no usable ${provider} account with id ${accountId}`, problem: 'not-found' };
  }
  if (usable.length === 0) {
    const invalid = accounts.some((a) => a.provider === provider);
    return {
      kind: 'none',
      reason: invalid
        ? `the ${provider} account needs to be connected again`
        : `no ${provider} account is connected: connect one in the extension’s popup`,
      problem: invalid ? 'needs-reconnecting' : 'none-connected',
    };
  }
  const consented = usable.find((a) => consents.some((c) => c.origin === origin && c.accountId === a.id));
  if (consented) return { kind: 'account', account: consented };
  if (usable.length === 1) return { kind: 'account', account: usable[0] as Account };
  return { kind: 'choose', accounts: usable };
}

export type ConsentNeed = 'none' | 'first-use' | 'write';

/** Whether the user must be asked: never asked for this site and account, or a write the site must confirm. */
export function consentNeeded(
  consents: readonly SiteConsent[],
  origin: string,
  accountId: string,
  method: SignedActionMethod,
): ConsentNeed {
  const consent = consents.find((c) => c.origin === origin && c.accountId === accountId);
  if (!consent) return 'first-use';
  return consent.confirmWrites && isWrite(method) ? 'write' : 'none';
}
