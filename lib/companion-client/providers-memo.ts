import type { ProviderSummary } from '../protocol';

/** How long a companion's provider list is reused: it changes only when the companion is reconfigured. */
export const PROVIDERS_TTL_MS = 60_000;

interface Remembered {
  readonly at: number;
  readonly providers: Promise<ProviderSummary[]>;
}

/**
 * Each signed action checks its provider and URL against the companion's
 * list; fetching it every time would add a round trip to every action. The
 * list is kept per companion URL for a minute (a failed fetch is not kept),
 * and calls that overlap share one fetch.
 */
export function providersMemo(now: () => number = Date.now) {
  const remembered = new Map<string, Remembered>();
  return (companionUrl: string, fetchProviders: () => Promise<ProviderSummary[]>): Promise<ProviderSummary[]> => {
    const kept = remembered.get(companionUrl);
    if (kept && now() - kept.at < PROVIDERS_TTL_MS) return kept.providers;
    const providers = fetchProviders();
    remembered.set(companionUrl, { at: now(), providers });
    providers.catch(() => {
      if (remembered.get(companionUrl)?.providers === providers) remembered.delete(companionUrl);
    });
    return providers;
  };
}
