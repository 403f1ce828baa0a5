import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ACCEPTED_PRIVATE_KEY_FORMATS,
  type AsyncOAuthCrypto,
  isOAuthError,
  type SyncOAuthCrypto,
  webCrypto,
} from '../../../lib/oauth1';
import { nodeOAuthCrypto } from '../../../server/crypto/node-oauth-crypto';
import { opensslPkcs1, opensslRsaKeyPair, opensslVerifies } from '../../support/openssl';

let pkcs8: ReturnType<typeof opensslRsaKeyPair>;
let pkcs1: { privateKeyPem: string; publicKeyPem: string };
const cryptos: [string, SyncOAuthCrypto | AsyncOAuthCrypto][] = [
  ['node:crypto', nodeOAuthCrypto()],
  ['WebCrypto', webCrypto()],
];

beforeAll(() => {
  pkcs8 = opensslRsaKeyPair();
  pkcs1 = opensslPkcs1(pkcs8.dir, pkcs8.privateKeyPem);
});

/** The OAuthError a promise or a call ends with, or undefined when it succeeds. */
async function failureOf(run: () => unknown) {
  try {
    await run();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('RSA keys in PKCS#1 and PKCS#8 PEM, on both crypto backends', () => {
  it('made the two forms it means to test', () => {
    expect(pkcs8.privateKeyPem).toContain('BEGIN PRIVATE KEY');
    expect(pkcs1.privateKeyPem).toContain('BEGIN RSA PRIVATE KEY');
    expect(pkcs1.publicKeyPem).toContain('BEGIN RSA PUBLIC KEY');
  });

  it.each(cryptos)('%s signs the same with either form, and openssl verifies it', async (_name, crypto) => {
    const fromPkcs8 = await crypto.rsaSign('SHA-1', pkcs8.privateKeyPem, 'GET&http%3A%2F%2Fexample.com&a%3D1');
    const fromPkcs1 = await crypto.rsaSign('SHA-1', pkcs1.privateKeyPem, 'GET&http%3A%2F%2Fexample.com&a%3D1');
    expect(fromPkcs1).toBe(fromPkcs8);
    expect(
      opensslVerifies(pkcs8.dir, 'sha1', pkcs8.publicKeyPem, 'GET&http%3A%2F%2Fexample.com&a%3D1', fromPkcs1),
    ).toBe(true);
    // And verifies with either public form.
    expect(await crypto.rsaVerify('SHA-1', pkcs1.publicKeyPem, 'GET&http%3A%2F%2Fexample.com&a%3D1', fromPkcs1)).toBe(
      true,
    );
    expect(await crypto.rsaVerify('SHA-1', pkcs8.publicKeyPem, 'GET&http%3A%2F%2Fexample.com&a%3D1', fromPkcs1)).toBe(
      true,
    );
  });

  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const refused: [string, string][] = [
    [
      'an OpenSSH key',
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB\n-----END OPENSSH PRIVATE KEY-----\n',
    ],
    ['garbage', 'not a key at all'],
    ['a PEM whose body is not base64', '-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----'],
    ['a PEM whose body is not DER', '-----BEGIN PRIVATE KEY-----\naGVsbG8gd29ybGQh\n-----END PRIVATE KEY-----'],
    ['a P-256 key (PKCS#8, not RSA)', ec.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()],
  ];
  for (const [name, crypto] of cryptos) {
    it.each(refused)(`${name} refuses %s with invalid_key naming the formats it takes`, async (what, pem) => {
      const error = await failureOf(() => crypto.rsaSign('SHA-1', pem, 'base'));
      expect(isOAuthError(error, 'invalid_key')).toBe(true);
      // Garbage inside a well-formed PKCS#8 block can only be found by importing it.
      if (!what.includes('not RSA')) expect((error as Error).message).toContain(ACCEPTED_PRIVATE_KEY_FORMATS);
    });
  }
});
