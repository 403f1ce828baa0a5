import { describe, expect, it } from 'vitest';
import { cryptoRandomBytes, generateNonce, timingSafeEqual } from '../../../lib/oauth1';

describe('generateNonce', () => {
  it('gives 32 alphanumeric characters from the CSPRNG by default, never the same twice', () => {
    const nonces = new Set(Array.from({ length: 10_000 }, () => generateNonce()));
    expect(nonces.size).toBe(10_000);
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it('drops bytes that would bias the alphabet (248 and above) and asks for more', () => {
    const calls: number[] = [];
    const randomBytes = (length: number) => {
      calls.push(length);
      // First draw: all unusable; second: 0..61 then 62 (which maps to 'A' again).
      return calls.length === 1 ? new Uint8Array(length).fill(255) : Uint8Array.from({ length }, (_, i) => i);
    };
    expect(generateNonce(randomBytes, 32)).toBe('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef');
    expect(calls).toEqual([40, 40]);
  });

  it('spreads characters evenly', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2_000; i++) for (const c of generateNonce()) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    const expected = (2_000 * 32) / 62;
    for (const count of counts.values()) expect(Math.abs(count - expected) / expected).toBeLessThan(0.2);
  });
});

describe('timingSafeEqual', () => {
  it('is true only for identical strings', () => {
    expect(timingSafeEqual('abc', 'abc')).toBe(true);
    expect(timingSafeEqual('abc', 'abd')).toBe(false);
    expect(timingSafeEqual('abc', 'ab')).toBe(false);
    expect(timingSafeEqual('', 'a')).toBe(false);
    expect(timingSafeEqual('', '')).toBe(true);
  });
});

describe('cryptoRandomBytes', () => {
  it('never hands out the same bytes twice across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const bytes = cryptoRandomBytes(40);
      expect(bytes).toHaveLength(40);
      seen.add(Buffer.from(bytes).toString('hex'));
    }
    expect(seen.size).toBe(2_000);
    expect(cryptoRandomBytes(10_000)).toHaveLength(10_000);
  });

  it('returns copies, so a caller that keeps them is not overwritten by later draws', () => {
    const kept = cryptoRandomBytes(16);
    const snapshot = Buffer.from(kept).toString('hex');
    for (let i = 0; i < 300; i++) cryptoRandomBytes(40);
    expect(Buffer.from(kept).toString('hex')).toBe(snapshot);
  });
});
