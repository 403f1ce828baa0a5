import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oneShotHmac } from '../../../server/crypto/one-shot-hmac';

const anyText = fc.string({ unit: 'grapheme', maxLength: 300 });

describe('oneShotHmac (RFC 2104 over one-shot hashes)', () => {
  it.each(['sha1', 'sha256', 'sha512'] as const)('equals createHmac for %s, any key and message', (algorithm) => {
    const hmac = oneShotHmac(algorithm);
    fc.assert(
      fc.property(anyText, anyText, (key, message) => {
        expect(hmac(key, message)).toBe(createHmac(algorithm, key).update(message).digest('base64'));
      }),
      { numRuns: 1000 },
    );
  });

  it('handles keys longer than a block, empty keys and messages larger than its buffer', () => {
    const hmac = oneShotHmac('sha1');
    const cases = [
      ['k'.repeat(200), 'message'],
      ['', ''],
      ['key', 'x'.repeat(50_000)],
      ['key', 'short again'],
    ];
    for (const [key, message] of cases) {
      expect(hmac(key as string, message as string)).toBe(
        createHmac('sha1', key as string)
          .update(message as string)
          .digest('base64'),
      );
    }
  });

  it('keeps keys apart when they alternate, and when one is rebuilt as an equal string', () => {
    const hmac = oneShotHmac('sha256');
    const expected = (key: string) => createHmac('sha256', key).update('m').digest('base64');
    for (const key of ['a&b', 'c&d', 'a&b', ['a', 'b'].join('&'), 'c&d']) expect(hmac(key, 'm')).toBe(expected(key));
  });

  it('matches the RFC 2202 HMAC-SHA1 test case 2', () => {
    expect(Buffer.from(oneShotHmac('sha1')('Jefe', 'what do ya want for nothing?'), 'base64').toString('hex')).toBe(
      'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79',
    );
  });
});
