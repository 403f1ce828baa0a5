import { del, update } from 'idb-keyval';
import type { GuardedStore, StoreKey } from './registry';
import { announceChange } from './state-changes';

/**
 * Changes one IndexedDB value in one transaction (read and write together),
 * so that two events handled at once cannot lose each other's change.
 * `change` gets the value (or `empty`) and returns the new value and a result;
 * the result is returned. Through a GuardedStore: after a reset that clears
 * `key`, the change is computed from what the reset left and not written.
 */
export async function changeKey<V, T>(
  store: GuardedStore,
  key: StoreKey,
  empty: V,
  change: (current: V) => [V, T],
): Promise<T> {
  let result: T | undefined;
  await update<V>(
    key,
    (current) => {
      const [next, value] = change(current ?? empty);
      result = value;
      return next;
    },
    store,
  );
  announceChange(key);
  return result as T;
}

/** Deletes one key and tells open pages; dropped, like any write, after a reset that clears it. */
export async function deleteKey(store: GuardedStore, key: StoreKey): Promise<void> {
  await del(key, store);
  announceChange(key);
}
