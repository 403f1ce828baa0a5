import { createStore, type UseStore } from 'idb-keyval';
import { beginWork, type Reset, type ResetGuard } from './generation';

/**
 * Everything the extension keeps, in one place: the IndexedDB database and
 * object store, every key written there, and which keys each reset clears.
 * Nothing else names a key (tests/lib/storage/registry.test.ts holds the code
 * to that), so renaming a key here renames it everywhere, "Forget this device"
 * included.
 */

/** The database and its one object store (idb-keyval's key-value store). */
const DATABASE = 'oauth1-connect';
const OBJECT_STORE = 'state';

/**
 * Where the extension keeps its state: IndexedDB, which outlives the MV3
 * worker (never module variables). The handle is guarded from this moment
 * (GuardedStore): take one per event, so that work begun before a reset
 * writes nothing after it.
 */
export function extensionStore(): GuardedStore {
  return guardStore(createStore(DATABASE, OBJECT_STORE));
}

/** Every key of the store, each written by one module (named beside it). */
export const KEYS = {
  /** The install's P-256 key pair (lib/storage/install-key.ts). */
  installKey: 'install-key',
  /** The companion URL and consent timeout (lib/settings/extension-settings.ts). */
  settings: 'settings',
  /** Pending flows, the accounts last fetched and the last outcome (lib/flows/flow-state.ts). */
  extensionState: 'extension-state',
  /** Per-site grants (lib/consent/site-consents.ts). */
  siteConsents: 'site-consents',
  /** Open consent questions (lib/consent/consent-questions.ts). */
  consentQuestions: 'consent-questions',
  /** The activity log (lib/activity/activity-log.ts). */
  activity: 'activity',
} as const;

export type StoreKey = (typeof KEYS)[keyof typeof KEYS];

export type { Reset };

/** What belongs to one companion: its accounts, pending flows, the sites allowed to use those accounts. */
const COMPANION_STATE: readonly StoreKey[] = [KEYS.extensionState, KEYS.siteConsents, KEYS.consentQuestions];

/**
 * The keys each reset deletes. The settings are the user's choice, not
 * state: no reset clears them. The activity log is the user's record and
 * outlives a change of companion, not a wiped device; the install key goes
 * with the device, so the next start is a new install.
 */
export const CLEARED_BY: Readonly<Record<Reset, readonly StoreKey[]>> = {
  companion: COMPANION_STATE,
  device: [...COMPANION_STATE, KEYS.activity, KEYS.installKey],
};

/**
 * The keys whose changes open pages are told of (state-changes.ts): what the
 * popup and the options page show. The install key is shown nowhere.
 */
export const SHOWN: readonly StoreKey[] = [
  KEYS.settings,
  KEYS.extensionState,
  KEYS.siteConsents,
  KEYS.consentQuestions,
  KEYS.activity,
];

const ALL_RESETS = Object.keys(CLEARED_BY) as Reset[];

/** The resets that clear `key`; a key the registry does not know counts as cleared by every one. */
export function resetsClearing(key: IDBValidKey): readonly Reset[] {
  if (!(Object.values(KEYS) as IDBValidKey[]).includes(key)) return ALL_RESETS;
  return ALL_RESETS.filter((reset) => (CLEARED_BY[reset] as readonly IDBValidKey[]).includes(key));
}

/**
 * A store handle bound to the moment its work began: a write through it (any
 * idb-keyval `set`, `update`, `del`…) lands only if no reset that clears its
 * key happened since; otherwise it is dropped inside its own transaction, and
 * the value stays as the reset left it. Every function that writes the
 * extension's state takes a GuardedStore, so a write path cannot skip the
 * check: a plain UseStore is a type error there. Reads take any UseStore.
 */
export type GuardedStore = UseStore & {
  readonly guard: ResetGuard;
  /** The same store unguarded: for the resets themselves (wipe.ts) only. */
  readonly unguarded: UseStore;
};

/**
 * `store`, guarded from now (or by `guard`): for tests, and for work that
 * must see a reset made since an older handle was taken. A GuardedStore
 * given here is guarded afresh.
 */
export function guardStore(store: UseStore, guard: ResetGuard = beginWork()): GuardedStore {
  const raw = 'unguarded' in store ? (store as GuardedStore).unguarded : store;
  const guarded: UseStore = (mode, callback) =>
    raw(mode, (objectStore) => callback(mode === 'readwrite' ? checkedWrites(objectStore, guard) : objectStore));
  return Object.assign(guarded, { guard, unguarded: raw });
}

/** The object store with put, add, delete and clear dropped for keys a reset cleared since `guard` began. */
function checkedWrites(objectStore: IDBObjectStore, guard: ResetGuard): IDBObjectStore {
  const allowed = (key: IDBValidKey | undefined) => key === undefined || guard.unchangedBy(resetsClearing(key));
  return new Proxy(objectStore, {
    get(target, property) {
      // A dropped write still makes a request, so callers waiting on one (or on the transaction) go on.
      if (property === 'put' || property === 'add') {
        return (value: unknown, key?: IDBValidKey) =>
          allowed(key) ? target[property](value, key) : target.count(key as IDBValidKey);
      }
      if (property === 'delete') {
        return (key: IDBValidKey | IDBKeyRange) =>
          !(key instanceof IDBKeyRange) && allowed(key) ? target.delete(key) : target.count(key);
      }
      if (property === 'clear') return () => (guard.current() ? target.clear() : target.count());
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
