import type { AsyncOAuthCrypto, HashName } from './crypto';
import { OAuthError } from './errors';
import { pkcs8PrivateKey, spkiPublicKey } from './rsa-key-pem';

/**
 * OAuthCrypto over WebCrypto (browsers, extension workers, Node's
 * `globalThis.crypto.subtle`). HMAC keys are imported once and reused, since
 * an import costs about as much as the signature itself.
 */
export function webCrypto(subtle: SubtleCrypto = globalThis.crypto.subtle): AsyncOAuthCrypto {
  const hmacKeys = new BoundedCache<Promise<CryptoKey>>(64);
  const rsaKeys = new BoundedCache<Promise<CryptoKey>>(16);
  const utf8 = new TextEncoder();

  function hmacKey(hash: HashName, key: string): Promise<CryptoKey> {
    return hmacKeys.getOrCreate(`${hash}\n${key}`, () =>
      subtle.importKey('raw', utf8.encode(key), { name: 'HMAC', hash }, false, ['sign']),
    );
  }

  /** @throws OAuthError `invalid_key` for a PEM of another kind, or bytes WebCrypto will not import */
  function rsaKey(hash: HashName, pem: string, use: 'sign' | 'verify'): Promise<CryptoKey> {
    return rsaKeys.getOrCreate(`${hash}\n${use}\n${pem}`, async () => {
      const [format, der] =
        use === 'sign' ? (['pkcs8', pkcs8PrivateKey(pem)] as const) : (['spki', spkiPublicKey(pem)] as const);
      try {
        return await subtle.importKey(format, der, { name: 'RSASSA-PKCS1-v1_5', hash }, false, [use]);
      } catch (error) {
        throw new OAuthError(
          'invalid_key',
          `the RSA key does not import: ${(error as Error).message || (error as Error).name}`,
        );
      }
    });
  }

  return {
    synchronous: false,
    async hmac(hash, key, message) {
      const signature = await subtle.sign('HMAC', await hmacKey(hash, key), utf8.encode(message));
      return toBase64(new Uint8Array(signature));
    },
    async rsaSign(hash, privateKeyPem, message) {
      const key = await rsaKey(hash, privateKeyPem, 'sign');
      return toBase64(new Uint8Array(await subtle.sign('RSASSA-PKCS1-v1_5', key, utf8.encode(message))));
    },
    async rsaVerify(hash, publicKeyPem, message, signature) {
      const key = await rsaKey(hash, publicKeyPem, 'verify');
      const bytes = fromBase64(signature);
      if (!bytes) return false;
      return subtle.verify('RSASSA-PKCS1-v1_5', key, bytes, utf8.encode(message));
    },
    async digest(hash, data) {
      // Copied so that a view over a SharedArrayBuffer is accepted too.
      return toBase64(new Uint8Array(await subtle.digest(hash, new Uint8Array(data))));
    },
  };
}

class BoundedCache<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly limit: number) {}

  getOrCreate(key: string, create: () => V): V {
    const existing = this.entries.get(key);
    if (existing !== undefined) return existing;
    if (this.entries.size >= this.limit) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    const value = create();
    this.entries.set(key, value);
    // A failed import is not kept: the next call tries again.
    if (value instanceof Promise) value.catch(() => this.entries.get(key) === value && this.entries.delete(key));
    return value;
  }
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return undefined;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
