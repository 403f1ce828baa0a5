import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../../../lib/protocol/loopback';

const hostOf = (url: string) => new URL(url).hostname;

describe('isLoopbackHost', () => {
  it.each([
    'http://localhost:8080/',
    'http://LOCALHOST/',
    'http://127.0.0.1/',
    'http://127.1.2.3/',
    'http://127.255.255.255/',
    'http://127.1/',
    'http://0x7f000001/',
    'http://[::1]/',
    'http://[0:0:0:0:0:0:0:1]/',
    'http://[::ffff:127.0.0.1]/',
  ])('%s is this machine', (url) => {
    expect(isLoopbackHost(hostOf(url))).toBe(true);
  });

  it.each([
    'http://example.com/',
    'http://localhost.example/',
    'http://127.0.0.1.example/',
    'http://128.0.0.1/',
    'http://10.0.0.1/',
    'http://0.0.0.0/',
    'http://[::2]/',
    'http://[fe80::1]/',
    'http://[::ffff:10.0.0.1]/',
  ])('%s is not', (url) => {
    expect(isLoopbackHost(hostOf(url))).toBe(false);
  });

  it('agrees with the first octet for every IPv4 address', () => {
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        expect(isLoopbackHost(hostOf(`http://${address}/`))).toBe(address.startsWith('127.'));
      }),
    );
  });
});
