import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Parameter, parseFormEncoded, percentEncode, serializeFormEncoded } from '../../../lib/oauth1';
import { parseFormEncodedTwice } from '../../../lib/oauth1/form-encoding';

const pair: fc.Arbitrary<Parameter> = fc.tuple(
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
);

describe('parseFormEncoded (section 3.4.1.3.1)', () => {
  it('decodes + as a space and %XX as UTF-8, keeping order and duplicates', () => {
    expect(parseFormEncoded('a=1&b=x+y&a=%E2%98%83&c%40=')).toEqual([
      ['a', '1'],
      ['b', 'x y'],
      ['a', '☃'],
      ['c@', ''],
    ]);
  });

  it('skips empty segments and gives a bare name an empty value', () => {
    expect(parseFormEncoded('&&c2&a3=2+q&')).toEqual([
      ['c2', ''],
      ['a3', '2 q'],
    ]);
    expect(parseFormEncoded('')).toEqual([]);
  });

  it('splits on the first = only', () => {
    expect(parseFormEncoded('b5=%3D%253D&x==')).toEqual([
      ['b5', '=%3D'],
      ['x', '='],
    ]);
  });

  it('round-trips serializeFormEncoded for any pairs', () => {
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 6 }), (pairs) => {
        expect(parseFormEncoded(serializeFormEncoded(pairs))).toEqual(pairs);
      }),
    );
  });

  it('agrees with URLSearchParams on what a query means', () => {
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 6 }), (pairs) => {
        const query = new URLSearchParams(pairs as [string, string][]).toString();
        expect(parseFormEncoded(query)).toEqual([...new URLSearchParams(query)]);
      }),
    );
  });

  it('parseFormEncodedTwice gives every name and value encoded twice', () => {
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 6 }), (pairs) => {
        const query = new URLSearchParams(pairs as [string, string][]).toString();
        const twice = parseFormEncoded(query).map(([n, v]) => [
          percentEncode(percentEncode(n)),
          percentEncode(percentEncode(v)),
        ]);
        expect(parseFormEncodedTwice(query)).toEqual(twice);
      }),
    );
  });
});
