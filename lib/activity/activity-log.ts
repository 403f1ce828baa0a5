import { get, type UseStore } from 'idb-keyval';
import type { FileSummary, SignedActionMethod } from '../messaging/content-protocol';
import { changeKey, deleteKey } from '../storage/change-key';
import { type GuardedStore, KEYS } from '../storage/registry';

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
  /** The files it sent: names, types and sizes, never their contents. */
  readonly files?: readonly FileSummary[];
  readonly outcome: ActivityOutcome;
  /** The same refusal or failure again and again from one site is one entry, counted here (absent: once). */
  readonly repeats?: number;
}

export type ActivityOutcome =
  /** The provider answered (any HTTP status: that is the provider's word). */
  | { readonly kind: 'sent'; readonly status: number }
  /** Refused before reaching the provider: the user said no, or a rule did. */
  | { readonly kind: 'refused'; readonly code: string }
  /** The companion or the provider failed. */
  | { readonly kind: 'failed'; readonly code: string };

/** The log keeps this many entries, newest first; older ones fall off, those never sent first. */
export const ACTIVITY_LIMIT = 200;

/**
 * At most this many entries per site of requests that were never sent
 * (refused, or failed). They cost a page nothing (no window, no provider
 * call); without a bound, one page could push out of the log the record of
 * what was really sent.
 */
export const UNSENT_PER_ORIGIN = 20;

/** At most this many sent requests per site: one busy site cannot take the whole log. */
export const SENT_PER_ORIGIN = 100;

const KEY = KEYS.activity;

export async function appendActivity(store: GuardedStore, entry: ActivityEntry): Promise<void> {
  await changeKey<ActivityEntry[], void>(store, KEY, [], (entries) => [bounded(withEntry(entries, entry)), undefined]);
}

const unsent = (entry: ActivityEntry) => entry.outcome.kind !== 'sent';

/** The entry added, newest first; an unsent request that repeats the site's last entry is counted in it instead. */
function withEntry(entries: readonly ActivityEntry[], entry: ActivityEntry): ActivityEntry[] {
  const lastOfSite = entries.findIndex((e) => e.origin === entry.origin);
  const last = entries[lastOfSite];
  if (unsent(entry) && last && sameUnsent(last, entry)) {
    const counted = { ...last, at: entry.at, repeats: (last.repeats ?? 1) + 1 };
    return [counted, ...entries.slice(0, lastOfSite), ...entries.slice(lastOfSite + 1)];
  }
  return [entry, ...entries];
}

function sameUnsent(a: ActivityEntry, b: ActivityEntry): boolean {
  return (
    a.outcome.kind !== 'sent' &&
    a.outcome.kind === b.outcome.kind &&
    a.outcome.code === (b.outcome as { code: string }).code &&
    a.provider === b.provider &&
    a.account?.id === b.account?.id &&
    a.method === b.method &&
    a.url === b.url
  );
}

/**
 * Within the limits: each site's newest UNSENT_PER_ORIGIN unsent and
 * SENT_PER_ORIGIN sent entries, then ACTIVITY_LIMIT entries in all, dropping
 * the oldest unsent entries before any sent one. So what a page can cause
 * for free never pushes out what was sent.
 */
function bounded(entries: readonly ActivityEntry[]): ActivityEntry[] {
  const seen = new Map<string, number>();
  const kept = entries.filter((entry) => {
    const key = `${unsent(entry) ? 'unsent' : 'sent'} ${entry.origin}`;
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    return count <= (unsent(entry) ? UNSENT_PER_ORIGIN : SENT_PER_ORIGIN);
  });
  let excess = kept.length - ACTIVITY_LIMIT;
  for (let i = kept.length - 1; i >= 0 && excess > 0; i--) {
    if (unsent(kept[i] as ActivityEntry)) {
      kept.splice(i, 1);
      excess--;
    }
  }
  return kept.slice(0, ACTIVITY_LIMIT);
}

export async function readActivity(store: UseStore, limit = ACTIVITY_LIMIT): Promise<ActivityEntry[]> {
  return ((await get<ActivityEntry[]>(KEY, store)) ?? []).slice(0, limit);
}

export async function clearActivity(store: GuardedStore): Promise<void> {
  await deleteKey(store, KEY);
}

/** The URL as the log shows it: no query, no fragment, no credentials. */
export function loggedUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
