const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** The largest multiple of 62 that fits in a byte: bytes at or above it are dropped, so no character is favoured. */
const UNBIASED_LIMIT = 248;

export type RandomBytes = (length: number) => Uint8Array;

export const cryptoRandomBytes: RandomBytes = (length) => globalThis.crypto.getRandomValues(new Uint8Array(length));

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
