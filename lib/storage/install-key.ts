import { get, update } from 'idb-keyval';
import { type GuardedStore, KEYS } from './registry';

const INSTALL_KEY = KEYS.installKey;

/**
 * The install's identity: a P-256 key pair whose private half is
 * non-extractable, made once and kept in IndexedDB (CryptoKeys survive
 * structured cloning there). Nothing can read the private key out, not even
 * this extension; the companion knows the install by the public key's
 * thumbprint, so there is no bearer secret to steal.
 */
export async function loadOrCreateInstallKey(
  store: GuardedStore,
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
