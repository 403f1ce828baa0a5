import { get, type UseStore } from 'idb-keyval';
import type { Account, FlowMode } from '../protocol';
import { changeKey } from '../storage/change-key';
import { type GuardedStore, KEYS } from '../storage/registry';

/** A connection the user started and has not finished. Kept in IndexedDB, so a stopped worker loses nothing. */
export interface PendingFlow {
  readonly flowId: string;
  readonly provider: string;
  readonly providerName: string;
  readonly mode: FlowMode;
  readonly requestToken: string;
  readonly callbackUrl: string | null;
  readonly authorizeUrl: string;
  /** The tab showing the provider's page; undefined until it is open. */
  readonly tabId?: number | undefined;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  /** `completing` from the first callback event on: later duplicates are ignored. */
  readonly state: 'waiting' | 'completing';
}

/** How the last connection attempt ended, for the popup to say. */
export type FlowOutcome =
  | {
      readonly kind: 'connected';
      readonly provider: string;
      readonly screenName: string;
      /** The account connected: once it is gone (revoked), the outcome no longer holds and is dropped. */
      readonly accountId?: string;
    }
  | { readonly kind: 'denied' | 'cancelled' | 'closed' | 'expired'; readonly provider: string }
  | { readonly kind: 'failed'; readonly provider: string; readonly code: string; readonly message: string };

export interface ExtensionState {
  readonly pending: Readonly<Record<string, PendingFlow>>;
  /** The accounts as last seen at the companion: shown at once, then refreshed. */
  readonly accounts: readonly Account[];
  readonly lastOutcome: FlowOutcome | null;
}

const KEY = KEYS.extensionState;
const EMPTY: ExtensionState = { pending: {}, accounts: [], lastOutcome: null };

export async function readState(store: UseStore): Promise<ExtensionState> {
  return (await get<ExtensionState>(KEY, store)) ?? EMPTY;
}

/**
 * The state with these accounts: an outcome that says an account was
 * connected goes when that account does (revoked here, or elsewhere), so the
 * popup never says "Connected @name" above a list without it.
 */
export function withAccounts(state: ExtensionState, accounts: readonly Account[]): ExtensionState {
  const outcome = state.lastOutcome;
  const stale =
    outcome?.kind === 'connected' &&
    !accounts.some((a) =>
      outcome.accountId !== undefined
        ? a.id === outcome.accountId
        : a.provider === outcome.provider && a.screenName === outcome.screenName,
    );
  return { ...state, accounts, lastOutcome: stale ? null : outcome };
}

/** Changes the state in one IndexedDB transaction; returns what `change` returned. */
export function changeState<T>(
  store: GuardedStore,
  change: (state: ExtensionState) => [ExtensionState, T],
): Promise<T> {
  return changeKey(store, KEY, EMPTY, change);
}
