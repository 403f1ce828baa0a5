import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
  type KeyObject,
} from 'node:crypto';
import type { HashName, SyncOAuthCrypto } from '../../lib/oauth1';

const NODE_HASH: Record<HashName, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-512': 'sha512' };

/**
 * OAuthCrypto over node:crypto. Synchronous, so signing on the server costs
 * little more than the HMAC itself (WebCrypto's promise per call is ~20x slower).
 */
export function nodeOAuthCrypto(): SyncOAuthCrypto {
  // PEM parsing is costly; a companion signs with a handful of keys.
  const keys = new Map<string, KeyObject>();
  const keyFor = (pem: string, kind: 'private' | 'public') => {
    let key = keys.get(pem);
    if (!key) {
      key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
      if (keys.size >= 32) keys.clear();
      keys.set(pem, key);
    }
    return key;
  };

  return {
    synchronous: true,
    hmac: (hash, key, message) => createHmac(NODE_HASH[hash], key).update(message).digest('base64'),
    rsaSign: (hash, privateKeyPem, message) =>
      createSign(`RSA-${NODE_HASH[hash].toUpperCase()}`)
        .update(message)
        .sign(keyFor(privateKeyPem, 'private'), 'base64'),
    rsaVerify: (hash, publicKeyPem, message, signature) =>
      createVerify(`RSA-${NODE_HASH[hash].toUpperCase()}`)
        .update(message)
        .verify(keyFor(publicKeyPem, 'public'), signature, 'base64'),
    digest: (hash, data) => createHash(NODE_HASH[hash]).update(data).digest('base64'),
  };
}
