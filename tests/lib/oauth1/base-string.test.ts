import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  baseStringUri,
  collectParameters,
  normalizeParameters,
  type Parameter,
  percentEncode,
  signatureBaseString,
} from '../../../lib/oauth1';
import { type EncodedPair, sortEncodedPairs } from '../../../lib/oauth1/encoded-pairs';
import { expectOAuthError } from '../../support/expect-oauth-error';

const encodedPair = fc.tuple(
  fc.string({ unit: 'binary', maxLength: 6 }).map(percentEncode),
  fc.string({ unit: 'binary', maxLength: 6 }).map(percentEncode),
);

/** The textbook order of section 3.4.1.3.2: by name, then by value, in byte order. */
function referenceSort(pairs: EncodedPair[]): EncodedPair[] {
  const bytes = (s: string) => Buffer.from(s, 'utf8');
  return [...pairs].sort(
    (a, b) => Buffer.compare(bytes(a[0]), bytes(b[0])) || Buffer.compare(bytes(a[1]), bytes(b[1])),
  );
}

describe('parameter normalisation (section 3.4.1.3.2)', () => {
  it('sorts by name, then value, in byte order, for small and large lists', () => {
    fc.assert(
      fc.property(fc.array(encodedPair, { maxLength: 60 }), (pairs) => {
        expect(sortEncodedPairs([...pairs])).toEqual(referenceSort(pairs));
      }),
    );
  });

  it('keeps that order for pairs encoded twice, which is what the base string sorts', () => {
    fc.assert(
      fc.property(fc.array(encodedPair, { maxLength: 20 }), (pairs) => {
        const twice = (p: EncodedPair): EncodedPair => [percentEncode(p[0]), percentEncode(p[1])];
        expect(sortEncodedPairs(pairs.map(twice))).toEqual(referenceSort(pairs).map(twice));
      }),
    );
  });

  it('orders a name before its extensions and duplicates by value', () => {
    const params: Parameter[] = [
      ['a-b', '1'],
      ['a', 'z'],
      ['a', 'x y'],
      ['a', 'x!y'],
    ];
    expect(normalizeParameters(params)).toBe('a=x%20y&a=x%21y&a=z&a-b=1');
  });
});

describe('base string URI (section 3.4.1.2)', () => {
  it('keeps non-default ports and the encoded path as sent', () => {
    expect(baseStringUri('HTTPS://Api.X.com:443/1.1/a%2Fb/c?x=1#frag')).toBe('https://api.x.com/1.1/a%2Fb/c');
    expect(baseStringUri('http://example.com:8080')).toBe('http://example.com:8080/');
    expect(baseStringUri('http://[::1]:80/p')).toBe('http://[::1]/p');
    expect(baseStringUri('https://Bücher.Example/a/./b/../c')).toBe('https://xn--bcher-kva.example/a/c');
  });

  it('refuses relative URLs and schemes other than http(s)', async () => {
    await expectOAuthError(() => baseStringUri('/relative'), 'invalid_url');
    await expectOAuthError(() => baseStringUri('ftp://example.com/'), 'invalid_url');
    await expectOAuthError(() => baseStringUri('javascript:alert(1)'), 'invalid_url');
  });
});

describe('signature base string (section 3.4.1)', () => {
  it('collects query, form and protocol parameters but never oauth_signature or the header realm', () => {
    const request = {
      method: 'post',
      url: 'https://x.com/p?q=1&oauth_signature=bad&realm=kept',
      form: [['f', '2']] as Parameter[],
    };
    const collected = collectParameters(request, [
      ['oauth_nonce', 'n'],
      ['realm', 'dropped'],
      ['oauth_signature', 'bad'],
    ]);
    expect(collected).toEqual([
      ['q', '1'],
      ['realm', 'kept'],
      ['f', '2'],
      ['oauth_nonce', 'n'],
    ]);
    expect(signatureBaseString(request, [['oauth_nonce', 'n']])).toBe(
      'POST&https%3A%2F%2Fx.com%2Fp&f%3D2%26oauth_nonce%3Dn%26q%3D1%26realm%3Dkept',
    );
  });
});
