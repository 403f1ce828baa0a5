import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentDecode, percentEncode } from '../../../lib/oauth1';
import { isUnreservedText, percentEncodeTwice } from '../../../lib/oauth1/percent-encoding';

const anyText = fc.string({ unit: 'binary', maxLength: 40 });
const wellFormedText = fc.string({ unit: 'grapheme', maxLength: 40 });

describe('percentEncode (RFC 5849 section 3.6)', () => {
  it('leaves only unreserved characters and uppercase %XX escapes', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(percentEncode(text)).toMatch(/^(?:[A-Za-z0-9._~-]|%[0-9A-F]{2})*$/);
      }),
    );
  });

  it('is undone by percentDecode for any well-formed text', () => {
    fc.assert(
      fc.property(wellFormedText, (text) => {
        expect(percentDecode(percentEncode(text))).toBe(text);
      }),
    );
  });

  it("agrees with encodeURIComponent plus escapes for !*'()", () => {
    const reference = (text: string) =>
      encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    fc.assert(
      fc.property(wellFormedText, (text) => {
        expect(percentEncode(text)).toBe(reference(text));
      }),
    );
  });

  it('encodes a lone surrogate as U+FFFD, what a browser or Node would send', () => {
    expect(percentEncode('a\ud800b')).toBe('a%EF%BF%BDb');
    expect(percentEncode('\udfff')).toBe('%EF%BF%BD');
  });

  it('percentEncodeTwice is percentEncode applied twice', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(percentEncodeTwice(text)).toBe(percentEncode(percentEncode(text)));
      }),
    );
  });

  it('isUnreservedText is true exactly when encoding changes nothing, short or long', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fc.stringMatching(/^[A-Za-z0-9._~-]{0,60}$/)), (text) => {
        expect(isUnreservedText(text)).toBe(percentEncode(text) === text);
      }),
    );
  });
});

describe('percentDecode', () => {
  it('decodes UTF-8 escapes in either case', () => {
    expect(percentDecode('%e2%98%83%E2%98%83')).toBe('☃☃');
  });

  it('keeps malformed escapes and turns bad UTF-8 into U+FFFD, as the WHATWG form parser does', () => {
    expect(percentDecode('100%')).toBe('100%');
    expect(percentDecode('%zz%4')).toBe('%zz%4');
    expect(percentDecode('%C3')).toBe('\ufffd');
    expect(percentDecode('a%FFb%41')).toBe(new URLSearchParams('x=a%FFb%41').get('x'));
  });

  it('keeps a leading byte order mark next to a broken escape, as the WHATWG form parser does', () => {
    // Found by tests/fuzz/parsers.fuzz.test.ts: the lenient path's TextDecoder dropped it.
    expect(percentDecode('%EF%BB%BFa%ZZ')).toBe('\ufeffa%ZZ');
    expect(percentDecode('%EF%BB%BF%FF')).toBe(new URLSearchParams('x=%EF%BB%BF%FF').get('x'));
    expect(percentDecode('\ufeff%C3')).toBe('\ufeff\ufffd');
    expect(percentDecode('%EF%BB%BFa')).toBe('\ufeffa');
  });

  // ASCII input only: on raw non-ASCII after a broken escape, Node's
  // URLSearchParams departs from the Encoding Standard, which we follow.
  it('matches URLSearchParams on escapes, good and broken', () => {
    const unit = fc.constantFrom('%', 'A', 'f', '3', 'C', 'z', '0', '8', 'E', '9');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 12 }), (text) => {
        expect(percentDecode(text)).toBe(new URLSearchParams(`x=${text}`).get('x'));
      }),
    );
  });
});
