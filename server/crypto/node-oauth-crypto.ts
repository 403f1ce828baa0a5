import { createHash, createPrivateKey, createPublicKey, createSign, createVerify, type KeyObject } from 'node:crypto';
import { type HashName, OAuthError, pkcs8PrivateKey, type SyncOAuthCrypto, spkiPublicKey } from '../../lib/oauth1';
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
      key = rsaKeyObject(pem, kind);
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

/**
 * A node:crypto key from the PEM forms lib/oauth1 accepts (the same ones as on
 * WebCrypto, so a key that signs here signs in a browser too).
 * @throws OAuthError `invalid_key` for any other PEM, or DER that is not an RSA key
 */
export function rsaKeyObject(pem: string, kind: 'private' | 'public'): KeyObject {
  // A private key can verify too: node:crypto derives its public half.
  const isPrivate = kind === 'private' || /-----BEGIN (RSA )?PRIVATE KEY-----/.test(pem);
  let key: KeyObject;
  try {
    key = isPrivate
      ? createPrivateKey({ key: Buffer.from(pkcs8PrivateKey(pem)), format: 'der', type: 'pkcs8' })
      : createPublicKey({ key: Buffer.from(spkiPublicKey(pem)), format: 'der', type: 'spki' });
    if (kind === 'public' && isPrivate) key = createPublicKey(key);
  } catch (error) {
    if (error instanceof OAuthError) throw error;
    throw new OAuthError('invalid_key', `the RSA key does not load: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new OAuthError('invalid_key', `the key is ${key.asymmetricKeyType ?? 'not asymmetric'}, not RSA`);
  }
  return key;
}
