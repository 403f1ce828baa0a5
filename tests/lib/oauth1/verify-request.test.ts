import { OAuth as NodeOAuth } from 'oauth';
import { describe, expect, it } from 'vitest';
import {
  authorizationHeader,
  buildAuthorizationHeader,
  checkTimestamp,
  memoryNonceStore,
  parseAuthorizationHeader,
  type SignatureMethodName,
  type VerifyOptions,
  verifyRequest,
} from '../../../lib/oauth1';
import { nodeOAuthCrypto } from '../../../server/crypto/node-oauth-crypto';
import { expectOAuthError } from '../../support/expect-oauth-error';

const crypto = nodeOAuthCrypto();
const consumer = { consumerKey: 'dpf43f3p2l4k3l03', consumerSecret: 'kd94hf93k423kf44' };
const user = { token: 'nnch734d00sl2jdk', tokenSecret: 'pfkkdhi9sl3r4s00' };
const request = { method: 'GET', url: 'http://photos.example.net/photos?file=vacation.jpg&size=original' };
const NOW = 1_700_000_000_000;

function provider(overrides: Partial<VerifyOptions> = {}): VerifyOptions {
  return {
    crypto,
    now: () => NOW,
    nonceStore: memoryNonceStore(() => NOW),
    lookupSecrets: (key, token) =>
      key === consumer.consumerKey && token === user.token
        ? { consumerSecret: consumer.consumerSecret, tokenSecret: user.tokenSecret }
        : undefined,
    ...overrides,
  };
}

function signed(options: { timestamp?: number; nonce?: string; method?: SignatureMethodName } = {}) {
  return authorizationHeader(
    request,
    { ...consumer, ...user, signatureMethod: options.method },
    { crypto, timestamp: options.timestamp ?? NOW / 1000, nonce: options.nonce },
  );
}

describe('verifyRequest (section 3.2)', () => {
  it('accepts a correctly signed request and reports who made it', async () => {
    const verified = await verifyRequest({ ...request, authorization: signed() }, provider());
    expect(verified).toMatchObject({
      consumerKey: consumer.consumerKey,
      token: user.token,
      signatureMethod: 'HMAC-SHA1',
    });
  });

  it('refuses a request whose query was changed after signing', async () => {
    const tampered = { method: 'GET', url: request.url.replace('original', 'thumbnail'), authorization: signed() };
    await expectOAuthError(() => verifyRequest(tampered, provider()), 'signature_invalid');
  });

  it('refuses a request signed with the wrong token secret', async () => {
    const header = authorizationHeader(
      request,
      { ...consumer, ...user, tokenSecret: 'guess' },
      { crypto, now: () => NOW },
    );
    await expectOAuthError(() => verifyRequest({ ...request, authorization: header }, provider()), 'signature_invalid');
  });

  it('refuses a replayed nonce, but not the same nonce with another timestamp', async () => {
    const options = provider();
    await verifyRequest({ ...request, authorization: signed({ nonce: 'once' }) }, options);
    await expectOAuthError(
      () => verifyRequest({ ...request, authorization: signed({ nonce: 'once' }) }, options),
      'nonce_used',
    );
    await expect(
      verifyRequest({ ...request, authorization: signed({ nonce: 'once', timestamp: NOW / 1000 + 1 }) }, options),
    ).resolves.toBeDefined();
  });

  it('does not remember the nonce of a request whose signature failed', async () => {
    const options = provider();
    const forged = signed({ nonce: 'n1' }).replace(/oauth_signature="[^"]+"/, 'oauth_signature="AAAA"');
    await expectOAuthError(() => verifyRequest({ ...request, authorization: forged }, options), 'signature_invalid');
    await expect(verifyRequest({ ...request, authorization: signed({ nonce: 'n1' }) }, options)).resolves.toBeDefined();
  });

  it('refuses timestamps outside the window, either way', async () => {
    const stale = signed({ timestamp: NOW / 1000 - 301 });
    const future = signed({ timestamp: NOW / 1000 + 301 });
    await expectOAuthError(() => verifyRequest({ ...request, authorization: stale }, provider()), 'timestamp_refused');
    await expectOAuthError(() => verifyRequest({ ...request, authorization: future }, provider()), 'timestamp_refused');
    await expect(
      verifyRequest({ ...request, authorization: signed({ timestamp: NOW / 1000 - 300 }) }, provider()),
    ).resolves.toBeDefined();
  });

  it('refuses unknown consumers and tokens', async () => {
    const header = authorizationHeader(
      request,
      { ...consumer, token: 'other', tokenSecret: 'x' },
      { crypto, now: () => NOW },
    );
    await expectOAuthError(
      () => verifyRequest({ ...request, authorization: header }, provider()),
      'unknown_credentials',
    );
  });

  it('refuses a protocol parameter given twice, in the header and in the query', async () => {
    const url = `${request.url}&oauth_nonce=again`;
    await expectOAuthError(
      () => verifyRequest({ method: 'GET', url, authorization: signed() }, provider()),
      'parameter_duplicated',
    );
  });

  it.each(['oauth_consumer_key', 'oauth_signature_method', 'oauth_signature', 'oauth_timestamp', 'oauth_nonce'])(
    'refuses a request without %s',
    async (name) => {
      const { parameters } = parseAuthorizationHeader(signed());
      const header = buildAuthorizationHeader(parameters.filter(([n]) => n !== name));
      await expectOAuthError(
        () => verifyRequest({ ...request, authorization: header }, provider()),
        'parameter_absent',
      );
    },
  );

  it('refuses oauth_version other than 1.0 and a malformed timestamp', async () => {
    const v2 = signed().replace('oauth_version="1.0"', 'oauth_version="2.0"');
    await expectOAuthError(() => verifyRequest({ ...request, authorization: v2 }, provider()), 'parameter_rejected');
    const badTime = signed().replace(/oauth_timestamp="\d+"/, 'oauth_timestamp="1e9"');
    await expectOAuthError(
      () => verifyRequest({ ...request, authorization: badTime }, provider()),
      'parameter_rejected',
    );
  });

  it('accepts PLAINTEXT only when the provider opts in, and then without timestamp or nonce', async () => {
    const plaintext = signed({ method: 'PLAINTEXT' });
    await expectOAuthError(
      () => verifyRequest({ ...request, authorization: plaintext }, provider()),
      'unsupported_signature_method',
    );
    const bare = plaintext.replace(/, oauth_nonce="[^"]*"/, '').replace(/, oauth_timestamp="[^"]*"/, '');
    await expect(
      verifyRequest({ ...request, authorization: bare }, provider({ signatureMethods: ['PLAINTEXT'] })),
    ).resolves.toMatchObject({ signatureMethod: 'PLAINTEXT' });
  });

  it('refuses a request with no OAuth parameters at all', async () => {
    await expectOAuthError(() => verifyRequest(request, provider()), 'parameter_absent');
    await expectOAuthError(
      () => verifyRequest({ ...request, authorization: 'Basic dXNlcjpwYXNz' }, provider()),
      'malformed_authorization_header',
    );
  });
});

describe('verifyRequest against confusion and replay', () => {
  it('refuses an HMAC signature for a consumer that has an RSA key (the request does not pick the key)', async () => {
    // The forger signs HMAC-SHA1 with an empty consumer secret, i.e. the public key "&".
    const forged = authorizationHeader(
      request,
      { consumerKey: 'rsa-consumer', consumerSecret: '' },
      { crypto, now: () => NOW },
    );
    const rsaConsumer = provider({ lookupSecrets: () => ({ consumerSecret: '', publicKey: 'PEM' }) });
    await expectOAuthError(
      () => verifyRequest({ ...request, authorization: forged }, rsaConsumer),
      'unsupported_signature_method',
    );
  });

  it('refuses HMAC and PLAINTEXT against an empty consumer secret', async () => {
    const forged = authorizationHeader(request, { consumerKey: 'k', consumerSecret: '' }, { crypto, now: () => NOW });
    const emptySecret = provider({ lookupSecrets: () => ({ consumerSecret: '' }) });
    await expectOAuthError(
      () => verifyRequest({ ...request, authorization: forged }, emptySecret),
      'signature_invalid',
    );
  });

  it('keeps only the methods a consumer is configured for', async () => {
    const sha256Only = provider({
      lookupSecrets: () => ({ ...consumer, ...user, signatureMethods: ['HMAC-SHA256'] }),
    });
    await expectOAuthError(
      () => verifyRequest({ ...request, authorization: signed() }, sha256Only),
      'unsupported_signature_method',
    );
    await expect(
      verifyRequest({ ...request, authorization: signed({ method: 'HMAC-SHA256' }) }, sha256Only),
    ).resolves.toBeDefined();
  });

  it.each([300, 0])('refuses a replay for as long as the timestamp is acceptable (window %i s)', async (window) => {
    let now = NOW;
    const options = provider({
      timestampWindowSeconds: window,
      now: () => now,
      nonceStore: memoryNonceStore(() => now),
    });
    const header = signed({ timestamp: NOW / 1000 + window, nonce: 'edge' });
    await verifyRequest({ ...request, authorization: header }, options);
    // The last moment the timestamp still passes: T + window, to the last millisecond.
    now = (NOW / 1000 + 2 * window) * 1000 + 999;
    await expectOAuthError(() => verifyRequest({ ...request, authorization: header }, options), 'nonce_used');
  });

  it('accepts a request signed by another implementation (node-oauth)', async () => {
    const peer = new NodeOAuth('', '', consumer.consumerKey, consumer.consumerSecret, '1.0', null, 'HMAC-SHA1');
    const header = peer.authHeader(request.url, user.token, user.tokenSecret, 'GET');
    const now = Date.now();
    const options = provider({ now: () => now, nonceStore: memoryNonceStore(() => now) });
    await expect(verifyRequest({ ...request, authorization: header }, options)).resolves.toMatchObject({
      token: user.token,
    });
  });
});

describe('checkTimestamp', () => {
  it('takes whole seconds within the window', async () => {
    expect(() => checkTimestamp('1700000000', NOW, 0)).not.toThrow();
    await expectOAuthError(() => checkTimestamp('-1', NOW, 300), 'parameter_rejected');
    await expectOAuthError(() => checkTimestamp('', NOW, 300), 'parameter_rejected');
    await expectOAuthError(() => checkTimestamp('1700000000.5', NOW, 300), 'parameter_rejected');
  });
});

describe('memoryNonceStore', () => {
  it('forgets nonces once their time to live has passed', () => {
    let now = 0;
    const store = memoryNonceStore(() => now);
    expect(store.remember('a', 10)).toBe(true);
    expect(store.remember('a', 10)).toBe(false);
    now = 10_001;
    expect(store.remember('a', 10)).toBe(true);
    expect(store.remember('b', 10)).toBe(true);
  });
});
