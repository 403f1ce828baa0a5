import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  authorizationHeader,
  memoryNonceStore,
  parseAuthorizationHeader,
  parseFormEncoded,
  signedFormBody,
  signedQueryUrl,
  signRequest,
  verifyRequest,
  webCrypto,
} from '../../../lib/oauth1';
import { nodeOAuthCrypto } from '../../../server/crypto/node-oauth-crypto';
import { expectOAuthError } from '../../support/expect-oauth-error';

const crypto = nodeOAuthCrypto();
const credentials = { consumerKey: 'key', consumerSecret: 'secret', token: 'token', tokenSecret: 'token secret' };
const request = {
  method: 'POST',
  url: 'https://api.example.com/1.1/statuses/update.json',
  form: [['status', 'hi!']] as const,
};
const now = () => 1_700_000_000_123;

function protocolOf(header: string): Map<string, string> {
  return new Map(parseAuthorizationHeader(header).parameters);
}

function verifierOptions(secrets = { consumerSecret: 'secret', tokenSecret: 'token secret' }) {
  return { crypto, now, nonceStore: memoryNonceStore(now), lookupSecrets: () => secrets };
}

describe('authorizationHeader defaults', () => {
  it('takes the timestamp from the injected clock and a 32-character nonce from the injected CSPRNG', () => {
    const header = authorizationHeader(request, credentials, {
      crypto,
      now,
      randomBytes: (n) => new Uint8Array(n).fill(1),
    });
    const protocol = protocolOf(header);
    expect(protocol.get('oauth_timestamp')).toBe('1700000000');
    expect(protocol.get('oauth_nonce')).toBe('B'.repeat(32));
    expect(protocol.get('oauth_signature_method')).toBe('HMAC-SHA1');
    expect(protocol.get('oauth_version')).toBe('1.0');
  });

  it('uses a fresh CSPRNG nonce and the real clock when nothing is injected', () => {
    const first = protocolOf(authorizationHeader(request, credentials, { crypto }));
    const second = protocolOf(authorizationHeader(request, credentials, { crypto }));
    expect(first.get('oauth_nonce')).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(first.get('oauth_nonce')).not.toBe(second.get('oauth_nonce'));
    expect(Math.abs(Number(first.get('oauth_timestamp')) - Date.now() / 1000)).toBeLessThan(5);
  });

  it('returns a string with synchronous crypto and a promise with WebCrypto (the default), both the same header', async () => {
    const options = { nonce: 'n', timestamp: 1 };
    const sync = authorizationHeader(request, credentials, { ...options, crypto });
    const asyncDefault = authorizationHeader(request, credentials, options);
    expect(typeof sync).toBe('string');
    expect(asyncDefault).toBeInstanceOf(Promise);
    expect(await asyncDefault).toBe(sync);
    expect(await authorizationHeader(request, credentials, { ...options, crypto: webCrypto() })).toBe(sync);
  });

  it('sends oauth_callback and oauth_verifier when given, and can leave out oauth_version', () => {
    const protocol = protocolOf(
      authorizationHeader(request, credentials, { crypto, callback: 'oob', verifier: '1234', includeVersion: false }),
    );
    expect(protocol.get('oauth_callback')).toBe('oob');
    expect(protocol.get('oauth_verifier')).toBe('1234');
    expect(protocol.has('oauth_version')).toBe(false);
  });

  it('omits oauth_token without a token, and sends it (empty) when one is given', () => {
    expect(
      protocolOf(authorizationHeader(request, { consumerKey: 'k', consumerSecret: 's' }, { crypto })).has(
        'oauth_token',
      ),
    ).toBe(false);
    expect(protocolOf(authorizationHeader(request, { ...credentials, token: '' }, { crypto })).get('oauth_token')).toBe(
      '',
    );
  });

  it('puts the realm in the header but not in the signature', () => {
    const fixed = { crypto, nonce: 'n', timestamp: 1 };
    const withRealm = protocolOf(authorizationHeader(request, credentials, { ...fixed, realm: 'Photos' }));
    const without = protocolOf(authorizationHeader(request, credentials, fixed));
    expect(withRealm.get('oauth_signature')).toBe(without.get('oauth_signature'));
  });
});

describe('synchronous and asynchronous results', () => {
  it('returns a promise with an asynchronous crypto even for PLAINTEXT, which needs no crypto call', async () => {
    const result = signRequest(request, { ...credentials, signatureMethod: 'PLAINTEXT' });
    expect(result).toBeInstanceOf(Promise);
    expect((await result).protocolParameters).toContainEqual(['oauth_signature', 'secret&token%20secret']);
  });

  it('rejects (never throws) with an asynchronous crypto, and throws with a synchronous one', async () => {
    const bad = { method: 'GET', url: 'not a url' };
    let rejected: unknown;
    const promise = authorizationHeader(bad, credentials, { crypto: webCrypto() }).catch((error: unknown) => {
      rejected = error;
    });
    await promise;
    expect(rejected).toMatchObject({ code: 'invalid_url' });
    expect(() => authorizationHeader(bad, credentials, { crypto })).toThrow(/not an absolute URL/);
  });
});

describe('signing errors', () => {
  it('refuses a timestamp that is not whole seconds', async () => {
    await expectOAuthError(
      () => signRequest(request, credentials, { crypto, timestamp: 1700000000.5 }),
      'invalid_request',
    );
    await expectOAuthError(() => signRequest(request, credentials, { crypto, timestamp: '-1' }), 'invalid_request');
  });

  it('refuses an unknown signature method', async () => {
    const bad = { ...credentials, signatureMethod: 'HMAC-MD5' as never };
    await expectOAuthError(() => signRequest(request, bad, { crypto }), 'unsupported_signature_method');
  });

  it('refuses a URL that is not absolute http(s)', async () => {
    await expectOAuthError(
      () => signRequest({ method: 'GET', url: 'api.x.com/1.1' }, credentials, { crypto }),
      'invalid_url',
    );
    await expectOAuthError(
      () => signRequest({ method: 'GET', url: 'file:///etc/passwd' }, credentials, { crypto }),
      'invalid_url',
    );
  });

  it('refuses a form body together with a raw body', async () => {
    await expectOAuthError(() => signRequest({ ...request, body: '{}' }, credentials, { crypto }), 'invalid_request');
  });
});

describe('oauth_body_hash', () => {
  it('is sent and signed for a raw body, and a provider refuses a changed body', async () => {
    const json = { method: 'POST', url: 'https://api.example.com/2/tweets', body: '{"text":"Hello World!"}' };
    const expectedHash = createHash('sha1').update(json.body).digest('base64');
    const header = authorizationHeader(json, credentials, { crypto, now });
    expect(protocolOf(header).get('oauth_body_hash')).toBe(expectedHash);
    const verified = await verifyRequest({ ...json, authorization: header }, verifierOptions());
    expect(verified.protocolParameters.get('oauth_body_hash')).toBe(expectedHash);

    const changedBody = { ...json, body: '{"text":"EVIL"}', authorization: header };
    await expectOAuthError(() => verifyRequest(changedBody, verifierOptions()), 'body_hash_invalid');
    // A hash swapped to match the changed body breaks the signature instead.
    const evilHash = createHash('sha1').update(changedBody.body).digest('base64');
    const forged = header.replace(encodeURIComponent(expectedHash), encodeURIComponent(evilHash));
    expect(forged).not.toBe(header);
    await expectOAuthError(
      () => verifyRequest({ ...changedBody, authorization: forged }, verifierOptions()),
      'signature_invalid',
    );
  });

  it('uses the hash of the signature method: SHA-256 for HMAC-SHA256', () => {
    const json = { method: 'PUT', url: 'https://api.example.com/x', body: 'abc' };
    const header = authorizationHeader(json, { ...credentials, signatureMethod: 'HMAC-SHA256' }, { crypto });
    expect(protocolOf(header).get('oauth_body_hash')).toBe(createHash('sha256').update('abc').digest('base64'));
  });

  it('is refused on a form body, and can be required for other bodies', async () => {
    const json = { method: 'POST', url: 'https://api.example.com/x', body: 'abc' };
    const header = authorizationHeader(json, credentials, { crypto, now });
    const asForm = { method: 'POST', url: json.url, form: [['a', 'b']] as const, authorization: header };
    await expectOAuthError(() => verifyRequest(asForm, verifierOptions()), 'parameter_rejected');
    const unhashed = authorizationHeader({ method: 'POST', url: json.url }, credentials, { crypto, now });
    await expectOAuthError(
      () => verifyRequest({ ...json, authorization: unhashed }, { ...verifierOptions(), requireBodyHash: true }),
      'parameter_absent',
    );
  });

  it('hashes bytes as given, with WebCrypto too', async () => {
    const bytes = new TextEncoder().encode('Hello World!');
    const header = await authorizationHeader(
      { method: 'PUT', url: 'https://a.example/', body: bytes },
      credentials,
      {},
    );
    expect(protocolOf(header).get('oauth_body_hash')).toBe('Lve95gjOVATpfV8EL5X4nxwjKHE=');
  });

  it('is never sent for a form body', () => {
    expect(protocolOf(authorizationHeader(request, credentials, { crypto })).has('oauth_body_hash')).toBe(false);
  });
});

describe('oauth_signature in the request itself', () => {
  it('in the query or the form is refused, not sent twice (section 3.2)', () => {
    const options = { crypto, nonce: 'n', timestamp: 1 };
    const inQuery = { method: 'POST', url: 'https://api.example.com/p?oauth_signature=zzz&a=1' };
    const inForm = { method: 'POST', url: 'https://api.example.com/p', form: [['oauth_signature', 'yyy']] as const };
    for (const request of [inQuery, inForm]) {
      expectOAuthError(() => authorizationHeader(request, credentials, options), 'parameter_duplicated');
    }
  });
});

describe('protocol parameters the signer sets are refused in the request (section 3.2: parameter_duplicated)', () => {
  const options = { crypto, nonce: 'n', timestamp: 1 };
  it.each([
    [
      'oauth_callback in the URL with the callback option',
      { url: 'https://api.example.com/rt?oauth_callback=oob' },
      { callback: 'oob' },
    ],
    [
      'oauth_verifier in the form with the verifier option',
      { form: [['oauth_verifier', '123']] as const },
      { verifier: '456' },
    ],
    ['oauth_consumer_key in the URL', { url: 'https://api.example.com/p?oauth_consumer_key=other' }, {}],
    ['oauth_nonce in the form', { form: [['oauth_nonce', 'x']] as const }, {}],
    ['oauth_token in the URL when a token signs', { url: 'https://api.example.com/p?oauth_token=t' }, {}],
  ])('%s', (_what, change, extra) => {
    const request = { method: 'POST', url: 'https://api.example.com/p', ...change };
    expectOAuthError(() => authorizationHeader(request, credentials, { ...options, ...extra }), 'parameter_duplicated');
  });

  it('an oauth_ parameter the signer does not set is signed like any other', () => {
    const request = { method: 'GET', url: 'https://api.example.com/rt?oauth_callback=oob' };
    const header = authorizationHeader(request, credentials, options);
    expect(protocolOf(header).get('oauth_callback')).toBeUndefined();
    expect(protocolOf(header).get('oauth_signature')).toBeTruthy();
  });
});

describe('transmission methods (section 3.5)', () => {
  it('form body (3.5.2): the protocol parameters join the body and a provider verifies it', async () => {
    const body = signedFormBody(request, credentials, { crypto, now });
    const form = parseFormEncoded(body);
    expect(form[0]).toEqual(['status', 'hi!']);
    expect(form.map(([n]) => n)).toContain('oauth_signature');
    await expect(verifyRequest({ method: 'POST', url: request.url, form }, verifierOptions())).resolves.toMatchObject({
      consumerKey: 'key',
      token: 'token',
    });
  });

  it('query (3.5.3): the protocol parameters join the query and a provider verifies it', async () => {
    const get = { method: 'GET', url: 'https://api.example.com/1.1/search.json?q=caf%C3%A9+%26+cr%C3%A8me&count=5' };
    const url = signedQueryUrl(get, credentials, { crypto, now });
    expect(url.startsWith(`${get.url}&oauth_`)).toBe(true);
    await expect(verifyRequest({ method: 'GET', url }, verifierOptions())).resolves.toMatchObject({
      consumerKey: 'key',
    });
  });
});

describe('webCrypto', () => {
  it('does not keep a failed key import: the next call tries again', async () => {
    let imports = 0;
    const real = globalThis.crypto.subtle;
    const flaky = Object.create(real) as SubtleCrypto;
    flaky.importKey = ((...args: Parameters<SubtleCrypto['importKey']>) => {
      imports++;
      return imports === 1 ? Promise.reject(new Error('transient')) : real.importKey(...args);
    }) as SubtleCrypto['importKey'];
    flaky.sign = real.sign.bind(real);
    const crypto = webCrypto(flaky);
    await expect(crypto.hmac('SHA-1', 'key', 'message')).rejects.toThrow('transient');
    await expect(crypto.hmac('SHA-1', 'key', 'message')).resolves.toBe(
      nodeOAuthCrypto().hmac('SHA-1', 'key', 'message'),
    );
    await crypto.hmac('SHA-1', 'key', 'again');
    expect(imports).toBe(2);
  });
});
