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
  /** The same refusal again and again from one site is one entry, counted here (absent: once). */
  readonly repeats?: number;
}

export type ActivityOutcome =
  /** The provider answered (any HTTP status: that is the provider's word). */
  | { readonly kind: 'sent'; readonly status: number }
  /** Refused before reaching the provider: the user said no, or a rule did. */
  | { readonly kind: 'refused'; readonly code: string }
  /** The companion or the provider failed. */
  | { readonly kind: 'failed'; readonly code: string };

/** The log keeps this many entries, newest first; older ones fall off, refusals first. */
export const ACTIVITY_LIMIT = 200;

/**
 * At most this many refusals per site are kept. Refusals cost a page nothing
 * (no window, no provider call); without a bound, one page could push out of
 * the log the record of what was really sent.
 */
export const REFUSALS_PER_ORIGIN = 20;

const KEY = 'activity';

export async function appendActivity(store: UseStore, entry: ActivityEntry): Promise<void> {
  await update<ActivityEntry[]>(KEY, (entries) => bounded(withEntry(entries ?? [], entry)), store);
}

/** The entry added, newest first; a refusal that repeats the site's last entry is counted in it instead. */
function withEntry(entries: readonly ActivityEntry[], entry: ActivityEntry): ActivityEntry[] {
  const lastOfSite = entries.findIndex((e) => e.origin === entry.origin);
  const last = entries[lastOfSite];
  if (entry.outcome.kind === 'refused' && last && sameRefusal(last, entry)) {
    const counted = { ...last, at: entry.at, repeats: (last.repeats ?? 1) + 1 };
    return [counted, ...entries.slice(0, lastOfSite), ...entries.slice(lastOfSite + 1)];
  }
  return [entry, ...entries];
}

function sameRefusal(a: ActivityEntry, b: ActivityEntry): boolean {
  return (
    a.outcome.kind === 'refused' &&
    b.outcome.kind === 'refused' &&
    a.outcome.code === b.outcome.code &&
    a.provider === b.provider &&
    a.account?.id === b.account?.id &&
    a.method === b.method &&
    a.url === b.url
  );
}

/**
 * Within the limits: each site's newest REFUSALS_PER_ORIGIN refusals, then
 * ACTIVITY_LIMIT entries in all, dropping the oldest refusals before any
 * entry that reached the companion. So refusals never push out what was sent.
 */
function bounded(entries: readonly ActivityEntry[]): ActivityEntry[] {
  const refusalsSeen = new Map<string, number>();
  const kept = entries.filter((entry) => {
    if (entry.outcome.kind !== 'refused') return true;
    const seen = (refusalsSeen.get(entry.origin) ?? 0) + 1;
    refusalsSeen.set(entry.origin, seen);
    return seen <= REFUSALS_PER_ORIGIN;
  });
  let excess = kept.length - ACTIVITY_LIMIT;
  for (let i = kept.length - 1; i >= 0 && excess > 0; i--) {
    if (kept[i]?.outcome.kind === 'refused') {
      kept.splice(i, 1);
      excess--;
    }
  }
  return kept.slice(0, ACTIVITY_LIMIT);
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
