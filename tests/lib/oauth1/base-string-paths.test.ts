/**
 * The two roads to a signature base string give the same string: the
 * RFC-shaped one (base-string-rfc.ts: collect, normalise, join) and the
 * signing path's (base-string-fast.ts through signRequest: cached URL
 * analysis, pairs encoded twice, written straight from the sorted pairs),
 * over generated requests with hard content.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  baseStringUri,
  type Parameter,
  percentEncode,
  type SignatureMethodName,
  type SyncOAuthCrypto,
  signatureBaseString,
  signRequest,
} from '../../../lib/oauth1';
import { analyzeRequestUrl } from '../../../lib/oauth1/base-string-fast';
import { nodeOAuthCrypto } from '../../../server/crypto/node-oauth-crypto';
import { generatedCredentials, generatedRequest } from '../../support/request-arbitraries';

/** node:crypto, except that an HMAC "signature" is the base string it was given: what the signing path built. */
const revealing: SyncOAuthCrypto = { ...nodeOAuthCrypto(), hmac: (_hash, _key, message) => message };

const noProtocolNames = (pairs: readonly Parameter[]) => pairs.every(([name]) => !name.startsWith('oauth_'));

describe('the RFC-shaped base string and the signing path agree', () => {
  it('on the base string URI', () => {
    fc.assert(
      fc.property(generatedRequest, (r) => {
        expect(analyzeRequestUrl(r.url).encodedBaseStringUri).toBe(percentEncode(baseStringUri(r.url)));
      }),
      { numRuns: 500 },
    );
  });

  it('on the whole base string, with and without a token, callback, verifier, version and body hash', () => {
    fc.assert(
      fc.property(
        generatedRequest,
        generatedCredentials,
        fc.record({
          method: fc.constantFrom<SignatureMethodName>('HMAC-SHA1', 'HMAC-SHA256', 'HMAC-SHA512'),
          withToken: fc.boolean(),
          callback: fc.option(fc.constantFrom('oob', 'https://app.example/cb?x=1&y=é'), { nil: undefined }),
          verifier: fc.option(fc.string({ maxLength: 12 }), { nil: undefined }),
          includeVersion: fc.boolean(),
          rawBody: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
        }),
        (r, c, o) => {
          fc.pre(noProtocolNames(r.query) && noProtocolNames(r.form));
          const body = r.form.length === 0 ? o.rawBody : undefined;
          const request = { method: r.method, url: r.url, form: r.form.length > 0 ? r.form : undefined, body };
          const signed = signRequest(
            request,
            {
              consumerKey: c.consumerKey,
              consumerSecret: c.consumerSecret,
              token: o.withToken ? c.token : undefined,
              tokenSecret: o.withToken ? c.tokenSecret : undefined,
              signatureMethod: o.method,
            },
            {
              crypto: revealing,
              nonce: c.nonce,
              timestamp: c.timestamp,
              callback: o.callback,
              verifier: o.verifier,
              includeVersion: o.includeVersion,
            },
          );
          const signingPath = signed.protocolParameters.find(([name]) => name === 'oauth_signature')?.[1];
          const protocol = signed.protocolParameters.filter(([name]) => name !== 'oauth_signature');
          expect(signingPath).toBe(signatureBaseString(request, protocol));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
