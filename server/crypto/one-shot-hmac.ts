import { hash } from 'node:crypto';

/**
 * HMAC (RFC 2104, section 2) built on node:crypto's one-shot `hash()`:
 * `H((K ^ opad) || H((K ^ ipad) || message))`.
 *
 * Why not `createHmac`: under OpenSSL 3 it fetches and initialises an
 * EVP_MAC object on every call, which costs more than hashing the base string
 * itself. The one-shot digest path skips that; with the padded keys prepared
 * once per key (RFC 2104 section 4 suggests exactly this precomputation),
 * an HMAC-SHA1 of a base string takes about three quarters of the time
 * (see docs/benchmarks.md). tests/server/crypto checks it against createHmac.
 */
export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';

const BLOCK_BYTES: Record<HmacAlgorithm, number> = { sha1: 64, sha256: 64, sha512: 128 };
const DIGEST_BYTES: Record<HmacAlgorithm, number> = { sha1: 20, sha256: 32, sha512: 64 };
const MAX_CACHED_KEYS = 1024;
const SCRATCH_BYTES = 64 * 1024;

interface PaddedKey {
  readonly inner: Buffer;
  readonly outer: Buffer;
}

export function oneShotHmac(algorithm: HmacAlgorithm): (key: string, message: string) => string {
  const block = BLOCK_BYTES[algorithm];
  const digest = DIGEST_BYTES[algorithm];
  const paddedKeys = new Map<string, PaddedKey>();
  // Reused between calls (they are synchronous): one allocation, not two per
  // signature. Larger messages get a buffer of their own, so that one huge
  // form does not pin its size in memory for the life of the process.
  const innerInput = Buffer.allocUnsafe(SCRATCH_BYTES);
  const outerInput = Buffer.allocUnsafe(block + digest);

  // The last key, compared by value: a key string is built afresh for each
  // signature, and comparing it is cheaper than hashing it for the map.
  let lastKey: string | undefined;
  let lastPads: PaddedKey | undefined;

  function padded(key: string): PaddedKey {
    if (key === lastKey && lastPads) return lastPads;
    let pads = paddedKeys.get(key);
    if (pads) {
      lastKey = key;
      lastPads = pads;
      return pads;
    }
    let keyBytes = Buffer.from(key, 'utf8');
    if (keyBytes.length > block) keyBytes = hash(algorithm, keyBytes, 'buffer');
    const inner = Buffer.alloc(block, 0x36);
    const outer = Buffer.alloc(block, 0x5c);
    for (let i = 0; i < keyBytes.length; i++) {
      inner[i] = (inner[i] as number) ^ (keyBytes[i] as number);
      outer[i] = (outer[i] as number) ^ (keyBytes[i] as number);
    }
    pads = { inner, outer };
    if (paddedKeys.size >= MAX_CACHED_KEYS) paddedKeys.delete(paddedKeys.keys().next().value as string);
    paddedKeys.set(key, pads);
    lastKey = key;
    lastPads = pads;
    return pads;
  }

  return (key, message) => {
    const pads = padded(key);
    // UTF-8 takes at most 3 bytes per UTF-16 unit: room enough without measuring first.
    const room = block + 3 * message.length;
    const input = room > innerInput.length ? Buffer.allocUnsafe(room) : innerInput;
    pads.inner.copy(input, 0);
    const length = block + input.write(message, block, 'utf8');
    const innerDigest = hash(algorithm, input.subarray(0, length), 'buffer');
    pads.outer.copy(outerInput, 0);
    innerDigest.copy(outerInput, block);
    return hash(algorithm, outerInput, 'base64');
  };
}
