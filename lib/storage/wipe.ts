import { delMany, type UseStore } from 'idb-keyval';
import { startNewGeneration } from './generation';
import { announceChange } from './state-changes';

/** What belongs to one companion: its accounts, pending flows, and the sites allowed to use those accounts. */
const COMPANION_KEYS = ['extension-state', 'site-consents', 'consent-questions'];

/** Moving to another companion: the old one's accounts mean nothing there. */
export async function forgetCompanionState(store: UseStore): Promise<void> {
  startNewGeneration('companion');
  await delMany(COMPANION_KEYS, store);
  for (const key of COMPANION_KEYS) announceChange(key);
}

/**
 * "Forget this device": everything but the settings, the install key
 * included, so the next start is a new install with a new identity. The
 * settings (which companion) are the user's choice, not state.
 */
export async function wipeDevice(store: UseStore): Promise<void> {
  startNewGeneration('device');
  await delMany([...COMPANION_KEYS, 'activity', 'install-key'], store);
  for (const key of [...COMPANION_KEYS, 'activity']) announceChange(key);
}
