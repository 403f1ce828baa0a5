import { createHash, createPrivateKey, createPublicKey, createSign, createVerify, type KeyObject } from 'node:crypto';
import type { HashName, SyncOAuthCrypto } from '../../lib/oauth1';
import { oneShotHmac } from './one-shot-hmac';

const NODE_HASH: Record<HashName, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-512': 'sha512' };

/**
 * OAuthCrypto over node:crypto. Synchronous, so signing on the server costs
 * little more than the HMAC itself (WebCrypto's promise per call is ~20x slower).
 */
export function nodeOAuthCrypto(): SyncOAuthCrypto {
  const hmacs: Record<HashName, (key: string, message: string) => string> = {
    'SHA-1': oneShotHmac('sha1'),
    'SHA-256': oneShotHmac('sha256'),
    'SHA-512': oneShotHmac('sha512'),
  };

  // PEM parsing is costly; a companion signs with a handful of keys.
  const keys = new Map<string, KeyObject>();
  // Keyed by use too: a private PEM used to verify yields a public key object.
  const keyFor = (pem: string, kind: 'private' | 'public') => {
    const cacheKey = `${kind}\n${pem}`;
    let key = keys.get(cacheKey);
    if (!key) {
      key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
      if (keys.size >= 32) keys.clear();
      keys.set(cacheKey, key);
    }
    return key;
  };

  return {
    synchronous: true,
    hmac: (hash, key, message) => hmacs[hash](key, message),
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
