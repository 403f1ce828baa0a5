import { beforeAll, describe, expect, it } from 'vitest';
import { nodeOAuthCrypto } from '../../../server/crypto/node-oauth-crypto';
import { opensslRsaKeyPair } from '../../support/openssl';

let keys: ReturnType<typeof opensslRsaKeyPair>;
beforeAll(() => {
  keys = opensslRsaKeyPair();
});

describe('nodeOAuthCrypto RSA key cache', () => {
  it('keeps private and public uses of one PEM apart', () => {
    const crypto = nodeOAuthCrypto();
    // A private PEM can verify (its public half is derived); signing with it afterwards must still work.
    const signature = crypto.rsaSign('SHA-1', keys.privateKeyPem, 'base');
    expect(crypto.rsaVerify('SHA-1', keys.privateKeyPem, 'base', signature)).toBe(true);
    expect(crypto.rsaSign('SHA-1', keys.privateKeyPem, 'base')).toBe(signature);
    expect(crypto.rsaVerify('SHA-1', keys.publicKeyPem, 'base', signature)).toBe(true);
    expect(crypto.rsaVerify('SHA-1', keys.publicKeyPem, 'other', signature)).toBe(false);
  });
});
