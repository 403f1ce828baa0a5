/**
 * Every value in the extension's IndexedDB and storage areas, as text. Run
 * inside the extension (Chromium's service worker, a Firefox extension page:
 * one origin, one store), so it must be self-contained: the browsers'
 * evaluate() sends its source, not its closure.
 */
export async function extensionStorageText(): Promise<string> {
  const out: unknown[] = [];
  for (const { name } of await indexedDB.databases()) {
    if (!name) continue;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open(name);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    for (const storeName of [...db.objectStoreNames]) {
      const values = await new Promise<unknown[]>((resolve, reject) => {
        const request = db.transaction(storeName).objectStore(storeName).getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      out.push({ name, storeName, values });
    }
    db.close();
  }
  // Chromium has `chrome` only; Firefox has both, promise-based.
  const api = globalThis as unknown as Record<
    'browser' | 'chrome',
    { storage?: Record<string, { get(): Promise<unknown> }> }
  >;
  // Without the "storage" permission (the extension does not ask for it) there are no areas to read.
  const storage = (api.browser ?? api.chrome).storage;
  const areas = await Promise.all(['local', 'sync', 'session'].map((area) => storage?.[area]?.get() ?? {}));
  // CryptoKeys do not stringify; their key material cannot be read at all (non-extractable).
  const replacer = (_key: string, value: unknown) =>
    value instanceof CryptoKey ? `CryptoKey(${value.type}, extractable=${value.extractable})` : value;
  return JSON.stringify({ indexedDb: out, areas }, replacer);
}
