import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bearerTokenMatches, isLoopbackAddress } from '../../../server/http/metrics-access';

describe('isLoopbackAddress', () => {
  it.each(['127.0.0.1', '127.1.2.3', '127.255.255.255', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '::ffff:7f00:1'])(
    'counts %s as this machine',
    (address) => {
      expect(isLoopbackAddress(address)).toBe(true);
    },
  );

  it.each([
    '128.0.0.1',
    '126.255.255.255',
    '10.0.0.1',
    '192.168.1.10',
    '203.0.113.7',
    '0.0.0.0',
    '::',
    '::2',
    'fe80::1',
    '::ffff:10.0.0.1',
    '::ffff:128.0.0.1',
    'localhost',
    '127.0.0.1.example',
    '',
    undefined,
  ])('does not count %s', (address) => {
    expect(isLoopbackAddress(address)).toBe(false);
  });
});

describe('bearerTokenMatches', () => {
  const token = 'm'.repeat(40);
  const tokenDigest = createHash('sha256').update(token).digest();

  it('accepts the token as a Bearer credential, the scheme in any case', () => {
    expect(bearerTokenMatches(`Bearer ${token}`, tokenDigest)).toBe(true);
    expect(bearerTokenMatches(`bearer ${token}`, tokenDigest)).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another token', `Bearer ${'n'.repeat(40)}`],
    ['a prefix of it', `Bearer ${token.slice(0, 39)}`],
    ['it with more after', `Bearer ${token}x`],
    ['it under another scheme', `Basic ${token}`],
    ['it alone', token],
    ['it twice', `Bearer ${token} ${token}`],
  ])('refuses %s', (_case, header) => {
    expect(bearerTokenMatches(header, tokenDigest)).toBe(false);
  });
});
