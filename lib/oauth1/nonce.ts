const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** The largest multiple of 62 that fits in a byte: bytes at or above it are dropped, so no character is favoured. */
const UNBIASED_LIMIT = 248;

export type RandomBytes = (length: number) => Uint8Array;

const POOL_SIZE = 4096;
let pool = new Uint8Array(0);
let poolOffset = 0;

/**
 * Bytes from the platform CSPRNG (`crypto.getRandomValues`). A call into it
 * costs more than a whole signature, so bytes are drawn 4 KB at a time and
 * handed out once each, as Node's own randomBytes does for small requests.
 */
export const cryptoRandomBytes: RandomBytes = (length) => {
  if (length > POOL_SIZE) return globalThis.crypto.getRandomValues(new Uint8Array(length));
  if (poolOffset + length > pool.length) {
    pool = globalThis.crypto.getRandomValues(new Uint8Array(POOL_SIZE));
    poolOffset = 0;
  }
  const bytes = pool.slice(poolOffset, poolOffset + length);
  poolOffset += length;
  return bytes;
};

/**
 * A nonce of `length` alphanumeric characters (32 by default: about 190 bits)
 * from a CSPRNG, by rejection sampling so that every character is equally likely.
 */
export function generateNonce(randomBytes: RandomBytes = cryptoRandomBytes, length = 32): string {
  let nonce = '';
  while (nonce.length < length) {
    for (const byte of randomBytes(length + 8)) {
      if (byte < UNBIASED_LIMIT) nonce += ALPHANUMERIC[byte % 62];
      if (nonce.length === length) break;
    }
  }
  return nonce;
}
