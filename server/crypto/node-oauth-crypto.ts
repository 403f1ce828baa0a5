import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
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
  // A KeyObject skips re-reading the key string on every signature (about a
  // tenth of an HMAC's cost). Bounded: a proxy signs for many accounts.
  const hmacKeys = new Map<string, KeyObject>();
  const hmacKey = (key: string) => {
    let keyObject = hmacKeys.get(key);
    if (!keyObject) {
      keyObject = createSecretKey(Buffer.from(key, 'utf8'));
      if (hmacKeys.size >= 1024) hmacKeys.delete(hmacKeys.keys().next().value as string);
      hmacKeys.set(key, keyObject);
    }
    return keyObject;
  };

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
    // The message is ASCII (see OAuthCrypto.hmac), so latin1 gives the same
    // bytes as UTF-8 and takes Node's one-byte fast path.
    hmac: (hash, key, message) => createHmac(NODE_HASH[hash], hmacKey(key)).update(message, 'latin1').digest('base64'),
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
