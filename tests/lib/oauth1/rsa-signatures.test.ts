import oauthSign from 'oauth-sign';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type AsyncOAuthCrypto,
  memoryNonceStore,
  parseAuthorizationHeader,
  SIGNATURE_METHODS,
  signatureBaseString,
  signRequest,
  verifyRequest,
  webCrypto,
} from '../../../lib/oauth1';
import { nodeOAuthCrypto } from '../../../server/crypto/node-oauth-crypto';
import { expectOAuthError } from '../../support/expect-oauth-error';
import { opensslRsaKeyPair, opensslVerifies } from '../../support/openssl';

const request = {
  method: 'GET',
  url: 'http://photos.example.net/photos?file=vacation.jpg&size=original',
};
const protocol = [
  ['oauth_consumer_key', 'dpf43f3p2l4k3l03'],
  ['oauth_nonce', '13917289812797014437'],
  ['oauth_signature_method', 'RSA-SHA1'],
  ['oauth_timestamp', '1196666512'],
  ['oauth_token', 'nnch734d00sl2jdk'],
  ['oauth_version', '1.0'],
] as const;

let keys: ReturnType<typeof opensslRsaKeyPair>;
const cryptos: Record<string, ReturnType<typeof nodeOAuthCrypto> | AsyncOAuthCrypto> = {
  'node:crypto': nodeOAuthCrypto(),
  WebCrypto: webCrypto(),
};

beforeAll(() => {
  keys = opensslRsaKeyPair();
});

describe('RSA signature methods with an openssl-made key', () => {
  for (const [cryptoName, crypto] of Object.entries(cryptos)) {
    it(`RSA-SHA1 with ${cryptoName} verifies with openssl and equals oauth-sign's signature`, async () => {
      const baseString = signatureBaseString(request, [...protocol]);
      const signature = await SIGNATURE_METHODS['RSA-SHA1'].sign(
        baseString,
        { consumerSecret: '', privateKey: keys.privateKeyPem },
        crypto,
      );
      expect(opensslVerifies(keys.dir, 'sha1', keys.publicKeyPem, baseString, signature)).toBe(true);
      // PKCS#1 v1.5 is deterministic, so an independent signer must produce the same bytes.
      const params = Object.fromEntries([...protocol, ['file', 'vacation.jpg'], ['size', 'original']]);
      expect(signature).toBe(oauthSign.rsasign('GET', 'http://photos.example.net/photos', params, keys.privateKeyPem));
    });

    it(`RSA-SHA256 with ${cryptoName} verifies with openssl`, async () => {
      const baseString = signatureBaseString(request, [...protocol]);
      const signature = await SIGNATURE_METHODS['RSA-SHA256'].sign(
        baseString,
        { consumerSecret: '', privateKey: keys.privateKeyPem },
        crypto,
      );
      expect(opensslVerifies(keys.dir, 'sha256', keys.publicKeyPem, baseString, signature)).toBe(true);
      expect(opensslVerifies(keys.dir, 'sha256', keys.publicKeyPem, `${baseString}x`, signature)).toBe(false);
    });

    it(`a provider verifies an RSA-SHA1 request signed with ${cryptoName}, and refuses it altered`, async () => {
      const credentials = {
        consumerKey: 'dpf43f3p2l4k3l03',
        consumerSecret: '',
        privateKey: keys.privateKeyPem,
        signatureMethod: 'RSA-SHA1' as const,
      };
      const signed = await signRequest(request, credentials, { crypto, now: () => 1_700_000_000_000 });
      const header = `OAuth ${signed.encodedProtocolParameters.map(([n, v]) => `${n}="${v}"`).join(', ')}`;
      const options = {
        crypto,
        now: () => 1_700_000_000_000,
        nonceStore: memoryNonceStore(() => 1_700_000_000_000),
        lookupSecrets: () => ({ publicKey: keys.publicKeyPem }),
      };
      const verified = await verifyRequest({ ...request, authorization: header }, options);
      expect(verified.signatureMethod).toBe('RSA-SHA1');
      await expect(
        verifyRequest({ ...request, url: `${request.url}x`, authorization: header }, options),
      ).rejects.toMatchObject({ code: 'signature_invalid' });
      expect(parseAuthorizationHeader(header).parameters.map(([n]) => n)).toContain('oauth_signature');
    });
  }

  it('refuses to sign with an RSA method and no key', async () => {
    const credentials = { consumerKey: 'k', consumerSecret: '', signatureMethod: 'RSA-SHA256' as const };
    await expectOAuthError(() => signRequest(request, credentials, { crypto: nodeOAuthCrypto() }), 'missing_key');
  });
});
