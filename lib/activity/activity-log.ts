import { del, get, type UseStore, update } from 'idb-keyval';
import type { SignedActionMethod } from '../messaging/content-protocol';

/** One signed action a site asked for, and how it ended. */
export interface ActivityEntry {
  readonly id: string;
  /** Epoch milliseconds. */
  readonly at: number;
  readonly origin: string;
  readonly provider: string;
  readonly account: { readonly id: string; readonly screenName: string } | null;
  readonly method: SignedActionMethod;
  /** Scheme, host and path only: query values may be private, and the log is for telling what happened. */
  readonly url: string;
  readonly outcome: ActivityOutcome;
}

export type ActivityOutcome =
  /** The provider answered (any HTTP status: that is the provider's word). */
  | { readonly kind: 'sent'; readonly status: number }
  /** Refused before reaching the provider: the user said no, or a rule did. */
  | { readonly kind: 'refused'; readonly code: string }
  /** The companion or the provider failed. */
  | { readonly kind: 'failed'; readonly code: string };

/** The log keeps this many entries, newest first; older ones fall off. */
export const ACTIVITY_LIMIT = 200;

const KEY = 'activity';

export async function appendActivity(store: UseStore, entry: ActivityEntry): Promise<void> {
  await update<ActivityEntry[]>(KEY, (entries) => [entry, ...(entries ?? [])].slice(0, ACTIVITY_LIMIT), store);
}

export async function readActivity(store: UseStore, limit = ACTIVITY_LIMIT): Promise<ActivityEntry[]> {
  return ((await get<ActivityEntry[]>(KEY, store)) ?? []).slice(0, limit);
}

export async function clearActivity(store: UseStore): Promise<void> {
  await del(KEY, store);
}

/** The URL as the log shows it: no query, no fragment, no credentials. */
export function loggedUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
