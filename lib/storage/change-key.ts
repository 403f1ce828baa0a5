import { type UseStore, update } from 'idb-keyval';
import { announceChange } from './state-changes';

/**
 * Changes one IndexedDB value in one transaction (read and write together),
 * so that two events handled at once cannot lose each other's change.
 * `change` gets the value (or `empty`) and returns the new value and a result;
 * the result is returned.
 */
export async function changeKey<V, T>(
  store: UseStore,
  key: string,
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
