import { createStore, get, type UseStore, update } from 'idb-keyval';

/** Where the extension keeps its state: IndexedDB, which outlives the MV3 worker (never module variables). */
export function extensionStore(): UseStore {
  return createStore('oauth1-connect', 'state');
}

const INSTALL_KEY = 'install-key';

/**
 * The install's identity: a P-256 key pair whose private half is
 * non-extractable, made once and kept in IndexedDB (CryptoKeys survive
 * structured cloning there). Nothing can read the private key out, not even
 * this extension; the companion knows the install by the public key's
 * thumbprint, so there is no bearer secret to steal.
 */
export async function loadOrCreateInstallKey(
  store: UseStore,
  subtle: SubtleCrypto = crypto.subtle,
): Promise<CryptoKeyPair> {
  const existing = await get<CryptoKeyPair>(INSTALL_KEY, store);
  if (existing) return existing;
  const created = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  // Two callers racing at first start: the first key stored stays (set-if-absent in one
  // transaction), and both use it, so an install never has two identities.
  await update<CryptoKeyPair>(INSTALL_KEY, (stored) => stored ?? created, store);
  return (await get<CryptoKeyPair>(INSTALL_KEY, store)) ?? created;
}
