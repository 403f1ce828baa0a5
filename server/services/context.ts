import type { Settings } from '../config/settings';
import type { Store } from '../store/store';
import type { UpstreamDeps } from '../upstream/signed-call';
import type { Vault } from '../vault/vault';
import type { WriteThrottle } from './write-throttle';

/** What the services need, passed in: no globals, so tests build their own. */
export interface ServiceContext {
  readonly settings: Settings;
  readonly store: Store;
  readonly vault: Vault;
  readonly upstream: UpstreamDeps;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** Keeps "last seen" writes to one a minute per install and account. */
  readonly lastSeenWrites: WriteThrottle;
}

/** How long a pending flow lives (docs/architecture.md: 10 minutes). */
export const FLOW_LIFETIME_MS = 10 * 60 * 1000;
