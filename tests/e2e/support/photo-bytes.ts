import { randomBytes } from 'node:crypto';

/** A 1×1 PNG (signature, IHDR, IDAT, IEND). */
const ONE_PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * A picture the browser can show, `size` bytes long: a one-pixel PNG followed
 * by random bytes, which decoders ignore after IEND. Random, so that a byte
 * lost or changed on the way shows in its hash.
 */
export function photoBytes(size: number): Buffer {
  return Buffer.concat([ONE_PIXEL_PNG, randomBytes(size - ONE_PIXEL_PNG.length)]);
}
