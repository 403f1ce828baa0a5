import { describe, expect, it } from 'vitest';
import {
  authorizationHeader,
  baseStringUri,
  bodyHash,
  type Credentials,
  normalizeParameters,
  type Parameter,
  parseAuthorizationHeader,
  parseFormEncoded,
  percentEncode,
  SIGNATURE_METHODS,
  type SyncSignOptions,
  signatureBaseString,
  signingKey,
  webCrypto,
} from '../../../lib/oauth1';
import { nodeOAuthCrypto } from '../../../server/crypto/node-oauth-crypto';
import { publicVectors, type SignatureVector } from '../../support/public-vectors';

const cryptos = { 'node:crypto': nodeOAuthCrypto(), WebCrypto: webCrypto() };

/** Splits a vector's flat parameter list back into its sources: query, form body and protocol parameters. */
function sourcesOf(vector: SignatureVector) {
  const query = parseFormEncoded(new URL(vector.url).search.slice(1));
  const remaining = [...vector.params];
  for (const [name, value] of query) {
    remaining.splice(
      remaining.findIndex(([n, v]) => n === name && v === value),
      1,
    );
  }
  const protocol = remaining.filter(([name]) => name.startsWith('oauth_'));
  const form = remaining.filter(([name]) => !name.startsWith('oauth_'));
  return { query, form, protocol };
}

/** The credentials and options that make authorizationHeader reproduce a vector's protocol parameters. */
function signingInputsOf(protocol: Parameter[], vector: SignatureVector) {
  const get = (name: string) => protocol.find(([n]) => n === name)?.[1];
  const credentials: Credentials = {
    consumerKey: get('oauth_consumer_key') ?? '',
    consumerSecret: vector.consumerSecret,
    token: get('oauth_token'),
    tokenSecret: vector.tokenSecret,
    signatureMethod: vector.signatureMethod,
  };
  const options: SyncSignOptions = {
    nonce: get('oauth_nonce'),
    timestamp: get('oauth_timestamp'),
    callback: get('oauth_callback'),
    verifier: get('oauth_verifier'),
    includeVersion: get('oauth_version') === '1.0',
    crypto: cryptos['node:crypto'],
  };
  return { credentials, options };
}

describe('public signature vectors', () => {
  it.each(publicVectors.vectors.map((v) => [v.name, v] as const))('%s: normalised parameters', (_name, vector) => {
    expect(normalizeParameters(vector.params)).toBe(vector.normalizedParameters);
  });

  it.each(publicVectors.vectors.map((v) => [v.name, v] as const))('%s: signature base string', (_name, vector) => {
    const { form, protocol } = sourcesOf(vector);
    expect(signatureBaseString({ method: vector.method, url: vector.url, form }, protocol)).toBe(vector.baseString);
  });

  for (const [cryptoName, crypto] of Object.entries(cryptos)) {
    it.each(publicVectors.vectors.map((v) => [v.name, v] as const))(
      `%s: signature with ${cryptoName}`,
      async (_n, v) => {
        const method = SIGNATURE_METHODS[v.signatureMethod];
        const secrets = { consumerSecret: v.consumerSecret, tokenSecret: v.tokenSecret };
        expect(await method.sign(v.baseString, secrets, crypto)).toBe(v.signature);
        expect(await method.verify(v.baseString, v.signature, secrets, crypto)).toBe(true);
      },
    );
  }

  it.each(publicVectors.vectors.map((v) => [v.name, v] as const))(
    '%s: authorizationHeader end to end',
    (_n, vector) => {
      const { form, protocol } = sourcesOf(vector);
      const { credentials, options } = signingInputsOf(protocol, vector);
      const header = authorizationHeader({ method: vector.method, url: vector.url, form }, credentials, {
        ...options,
        realm: 'Photos',
      });
      const parsed = parseAuthorizationHeader(header);
      expect(parsed.realm).toBe('Photos');
      expect(parsed.parameters).toContainEqual(['oauth_signature', vector.signature]);
      // Exactly the vector's protocol parameters plus the signature: nothing added, nothing lost.
      expect(parsed.parameters.filter(([n]) => n !== 'oauth_signature').sort()).toEqual([...protocol].sort());
    },
  );
});

describe('public encoding, URI, normalisation, PLAINTEXT and body-hash vectors', () => {
  it.each(publicVectors.encoding)('percent-encodes %j as %j', (input, expected) => {
    expect(percentEncode(input)).toBe(expected);
  });

  it.each(publicVectors.baseStringUri)('base string URI of %s is %s', (input, expected) => {
    expect(baseStringUri(input)).toBe(expected);
  });

  it.each(publicVectors.normalization)('normalises %s to %s', (input, expected) => {
    expect(normalizeParameters(parseFormEncoded(input))).toBe(expected);
  });

  it.each(publicVectors.plaintext)('PLAINTEXT of %j and %j is %j', async (consumerSecret, tokenSecret, expected) => {
    expect(signingKey({ consumerSecret, tokenSecret })).toBe(expected);
    expect(await SIGNATURE_METHODS.PLAINTEXT.sign('', { consumerSecret, tokenSecret }, cryptos.WebCrypto)).toBe(
      expected,
    );
  });

  for (const [cryptoName, crypto] of Object.entries(cryptos)) {
    it.each(publicVectors.bodyHash)(`body hash of %j is %s with ${cryptoName}`, async (body, expected) => {
      expect(await bodyHash(body, crypto)).toBe(expected);
    });
  }
});
