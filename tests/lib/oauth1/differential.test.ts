/**
 * Differential tests: this library against three independent npm
 * implementations (oauth-sign, oauth-1.0a, oauth/node-oauth) over thousands of
 * generated requests with hard content. Each peer is fed the request in the
 * shape it understands (see the notes per peer); what must agree is the
 * signature base string or the signature.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { OAuth as NodeOAuth } from 'oauth';
import OAuth1a from 'oauth-1.0a';
import oauthSign from 'oauth-sign';
import { describe, expect, it } from 'vitest';
import {
  baseStringUri,
  type Parameter,
  type SignatureMethodName,
  signatureBaseString,
  signRequest,
  webCrypto,
} from '../../../lib/oauth1';
import { nodeOAuthCrypto } from '../../../server/crypto/node-oauth-crypto';
import {
  type GeneratedCredentials,
  type GeneratedRequest,
  generatedCredentials,
  generatedRequest,
  toPeerObject,
} from '../../support/request-arbitraries';

const RUNS = 2000;
const nodeCrypto = nodeOAuthCrypto();

function protocolPairs(c: GeneratedCredentials, method: SignatureMethodName): Parameter[] {
  return [
    ['oauth_consumer_key', c.consumerKey],
    ['oauth_nonce', c.nonce],
    ['oauth_signature_method', method],
    ['oauth_timestamp', c.timestamp],
    ['oauth_token', c.token],
    ['oauth_version', '1.0'],
  ];
}

function ourSignature(r: GeneratedRequest, c: GeneratedCredentials, method: SignatureMethodName): string {
  const signed = signRequest(
    { method: r.method, url: r.url, form: r.form },
    { ...c, signatureMethod: method },
    { nonce: c.nonce, timestamp: c.timestamp, crypto: nodeCrypto },
  );
  return signed.protocolParameters.find(([name]) => name === 'oauth_signature')?.[1] as string;
}

describe('base string URI against the generated ground truth', () => {
  it('lowercases scheme and host, drops default ports, keeps the path', () => {
    fc.assert(
      fc.property(generatedRequest, (r) => {
        expect(baseStringUri(r.url)).toBe(r.expectedBaseUri);
      }),
      { numRuns: RUNS },
    );
  });
});

// oauth-sign takes the base URI and the decoded parameters (query, form and
// protocol) as an object; it does no URL handling of its own.
describe('against oauth-sign', () => {
  it('builds the same signature base string', () => {
    fc.assert(
      fc.property(generatedRequest, generatedCredentials, (r, c) => {
        const protocol = protocolPairs(c, 'HMAC-SHA1');
        const theirs = oauthSign.generateBase(
          r.method,
          r.expectedBaseUri,
          toPeerObject([...r.query, ...r.form, ...protocol]),
        );
        expect(signatureBaseString({ method: r.method, url: r.url, form: r.form }, protocol)).toBe(theirs);
      }),
      { numRuns: RUNS },
    );
  });

  it.each([
    ['HMAC-SHA1', oauthSign.hmacsign],
    ['HMAC-SHA256', oauthSign.hmacsign256],
  ] as const)('computes the same %s signature', (method, theirSign) => {
    fc.assert(
      fc.property(generatedRequest, generatedCredentials, (r, c) => {
        const params = toPeerObject([...r.query, ...r.form, ...protocolPairs(c, method)]);
        const theirs = theirSign(r.method, r.expectedBaseUri, params, c.consumerSecret, c.tokenSecret);
        expect(ourSignature(r, c, method)).toBe(theirs);
      }),
      { numRuns: RUNS },
    );
  });

  it('computes the same PLAINTEXT signature', () => {
    fc.assert(
      fc.property(generatedRequest, generatedCredentials, (r, c) => {
        expect(ourSignature(r, c, 'PLAINTEXT')).toBe(oauthSign.plaintext(c.consumerSecret, c.tokenSecret));
      }),
      { numRuns: 500 },
    );
  });
});

// oauth-1.0a does not lowercase the host, drop default ports, decode `+` or
// keep duplicate names across query and body, so it gets the normalised URL
// without query and every request parameter in `data`.
describe('against oauth-1.0a', () => {
  it.each([
    ['HMAC-SHA1', 'sha1'],
    ['HMAC-SHA256', 'sha256'],
  ] as const)('computes the same %s signature', (method, hash) => {
    fc.assert(
      fc.property(generatedRequest, generatedCredentials, (r, c) => {
        const peer = new OAuth1a({
          consumer: { key: c.consumerKey, secret: c.consumerSecret },
          signature_method: method,
          hash_function: (base, key) => createHmac(hash, key).update(base).digest('base64'),
        });
        peer.getNonce = () => c.nonce;
        peer.getTimeStamp = () => Number(c.timestamp);
        const data = toPeerObject([...r.query, ...r.form]);
        const theirs = peer.authorize(
          { url: r.expectedBaseUri, method: r.method, data },
          { key: c.token, secret: c.tokenSecret },
        ).oauth_signature;
        expect(ourSignature(r, c, method)).toBe(theirs);
      }),
      { numRuns: RUNS },
    );
  });
});

// node-oauth parses the URL itself (legacy url.parse: lowercase host, default
// ports dropped) and its query with querystring (`+` is a space). It mangles
// repeated query names into `name[0]` and lets a query name overwrite a body
// name, so those requests move the query into its extra parameters instead.
describe('against oauth (node-oauth)', () => {
  interface NodeOAuthInternals {
    _getNonce: () => string;
    _getTimestamp: () => string;
    _prepareParameters(token: string, secret: string, method: string, url: string, extra: object): string[][];
  }

  it.each(['HMAC-SHA1', 'HMAC-SHA256'] as const)('computes the same %s signature', (method) => {
    fc.assert(
      fc.property(generatedRequest, generatedCredentials, (r, c) => {
        const peer = new NodeOAuth(
          '',
          '',
          c.consumerKey,
          c.consumerSecret,
          '1.0',
          null,
          method,
        ) as unknown as NodeOAuthInternals;
        peer._getNonce = () => c.nonce;
        peer._getTimestamp = () => c.timestamp;
        const queryNames = r.query.map(([n]) => n);
        const formNames = new Set(r.form.map(([n]) => n));
        const queryIsSimple =
          new Set(queryNames).size === queryNames.length && queryNames.every((n) => !formNames.has(n));
        const url = queryIsSimple ? r.url : r.urlWithoutQuery;
        const extra = toPeerObject(queryIsSimple ? r.form : [...r.query, ...r.form]);
        const prepared = peer._prepareParameters(c.token, c.tokenSecret, r.method, url, extra);
        const theirs = prepared.find(([n]) => n === 'oauth_signature')?.[1];
        expect(ourSignature(r, c, method)).toBe(theirs);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('node:crypto and WebCrypto agree', () => {
  const web = webCrypto();
  it.each(['HMAC-SHA1', 'HMAC-SHA256', 'HMAC-SHA512', 'PLAINTEXT'] as const)('%s', async (method) => {
    await fc.assert(
      fc.asyncProperty(generatedRequest, generatedCredentials, async (r, c) => {
        const request = { method: r.method, url: r.url, form: r.form };
        const credentials = { ...c, signatureMethod: method };
        const options = { nonce: c.nonce, timestamp: c.timestamp };
        const sync = signRequest(request, credentials, { ...options, crypto: nodeCrypto });
        const async = await signRequest(request, credentials, { ...options, crypto: web });
        expect(async.protocolParameters).toEqual(sync.protocolParameters);
      }),
      { numRuns: 300 },
    );
  });
});
