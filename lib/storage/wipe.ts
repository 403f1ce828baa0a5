import { delMany } from 'idb-keyval';
import { startNewGeneration } from './generation';
import { CLEARED_BY, type GuardedStore, type Reset, SHOWN } from './registry';
import { announceChange } from './state-changes';

/**
 * Deletes what `reset` clears (registry.ts's CLEARED_BY) and tells open pages.
 * The reset count moves first, synchronously, so that any write not yet made
 * by work begun before is dropped (generation.ts); the deletion itself goes
 * through the unguarded store, since the handle's own guard is now stale.
 */
async function reset(store: GuardedStore, which: Reset): Promise<void> {
  startNewGeneration(which);
  const keys = CLEARED_BY[which];
  await delMany([...keys], store.unguarded);
  for (const key of keys) if (SHOWN.includes(key)) announceChange(key);
}

/** Moving to another companion: the old one's accounts, flows and site grants mean nothing there. */
export function forgetCompanionState(store: GuardedStore): Promise<void> {
  return reset(store, 'companion');
}

/**
 * "Forget this device": everything but the settings, the install key
 * included, so the next start is a new install with a new identity. The
 * settings (which companion) are the user's choice, not state.
 */
export function wipeDevice(store: GuardedStore): Promise<void> {
  return reset(store, 'device');
}
