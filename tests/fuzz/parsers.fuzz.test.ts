/**
 * Fuzzing the protocol core's parsers (lib/oauth1) and the companion's reader
 * of providers' problem reports: arbitrary and near-valid text never crashes
 * them, they throw nothing but their typed errors, and what they build they
 * read back unchanged. Text is assembled from the pieces that break parsers
 * (escapes cut short, UTF-8 that is not, a byte order mark, quotes,
 * backslashes, separators, control characters, lone surrogates).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildAuthorizationHeader,
  isOAuthError,
  type OAuthErrorCode,
  type Parameter,
  parseAuthorizationHeader,
  parseFormEncoded,
  parseTemporaryCredentialsResponse,
  parseTokenResponse,
  percentEncode,
  serializeFormEncoded,
} from '../../lib/oauth1';
import { parseFormEncodedTwice } from '../../lib/oauth1/form-encoding';
import { oauthProblemOf } from '../../server/upstream/problem-reporting';
import { fuzzRuns, fuzzSuite } from '../support/fuzz';

const fuzz = fuzzSuite('parsers');

/** Pieces that parsers of escapes, pairs and quoted strings trip over. */
const pieces = [
  ...'abzAZ09-._~'.split(''),
  ...'%+&=;,"\\ \t/?#:@!*\'()'.split(''),
  '%2',
  '%ZZ',
  '%g0',
  '%%',
  '%25',
  '%20',
  '%2B',
  '%3D',
  '%26',
  '%EF%BB%BF', // a byte order mark, encoded
  '%C3',
  '%C3%A9',
  '%E2%98',
  '%E2%98%83',
  '%ED%A0%80', // a surrogate, encoded: not UTF-8
  '%C0%80', // overlong
  '%FF',
  '%F0%9F%98%80',
  'é',
  '☃',
  '😀',
  '\ufeff',
  '\u00a0',
  '\u0000',
  '\r\n',
  '\u007f',
  '\ud800',
  '\udfff',
  'oauth_token',
  'oauth_token_secret',
  'oauth_callback_confirmed',
  'oauth_problem',
  'oauth_acceptable_timestamps',
  'true',
  'realm',
  'Realm',
  'OAuth',
  '__proto__',
  'constructor',
];
const piece = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...pieces) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) },
);
/** Any text, surrogates and all, mostly assembled from pieces. */
const anyText = fc.oneof(
  { weight: 4, arbitrary: fc.array(piece, { maxLength: 30 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
);
/** Text without lone surrogates: what a decoder of bytes can hand over. */
const wellFormedText = anyText.map((text) => text.toWellFormed());
/** Text a header can carry: Latin-1, as Node and fetch read header bytes. */
const headerText = anyText.map((text) =>
  text.replace(/[\u0100-\uffff]/g, (c) => String.fromCharCode(c.charCodeAt(0) & 0xff)),
);

/** Names and values with anything in them, unicode and all (well-formed: encoding turns a lone surrogate into U+FFFD). */
const wellFormedPart = fc.oneof(wellFormedText, fc.string({ unit: 'grapheme', maxLength: 12 }));
const pair: fc.Arbitrary<Parameter> = fc.tuple(wellFormedPart, wellFormedPart);

/** Throws unless `error` is an OAuthError with one of `codes`. */
function expectTyped(error: unknown, codes: readonly OAuthErrorCode[]): void {
  if (!isOAuthError(error) || !codes.includes(error.code)) throw error;
}

function expectPairs(pairs: unknown): void {
  expect(Array.isArray(pairs)).toBe(true);
  for (const p of pairs as unknown[]) {
    expect(p).toEqual([expect.any(String), expect.any(String)]);
  }
}

describe('the Authorization header (RFC 5849 section 3.5.1)', () => {
  const header = fc.oneof(
    headerText,
    anyText,
    fc
      .tuple(fc.constantFrom('OAuth ', 'oauth ', ' OAuth\t', 'OAuth'), headerText)
      .map(([scheme, rest]) => scheme + rest),
    // Near-valid: a built header, then cut, doubled or spliced.
    fc.tuple(fc.array(pair, { maxLength: 4 }), fc.nat(200), headerText).map(([pairs, at, splice]) => {
      const built = buildAuthorizationHeader(pairs);
      return built.slice(0, at % (built.length + 1)) + splice + built.slice(at % (built.length + 1));
    }),
  );

  it('parses any text or refuses it with its own errors', async () => {
    await fuzz.property(
      header,
      (text) => {
        try {
          const parsed = parseAuthorizationHeader(text);
          expect(parsed.realm === undefined || typeof parsed.realm === 'string').toBe(true);
          expectPairs(parsed.parameters);
        } catch (error) {
          expectTyped(error, ['malformed_authorization_header', 'parameter_duplicated']);
        }
      },
      fuzzRuns(700),
    );
  });

  it('reads back what it builds, and builds back what it read (round trip for valid parameter lists)', async () => {
    // A name is a token of one character or more, and `realm` (in any case) is the header's own parameter.
    const protocolPair = pair.filter(([name]) => name !== '' && name.toLowerCase() !== 'realm');
    const realm = fc.option(
      wellFormedPart.filter((text) => !/[^\P{Cc}\t\u0080-\u009f]/u.test(text)),
      { nil: undefined },
    );
    await fuzz.property(
      fc.tuple(fc.array(protocolPair, { maxLength: 8 }), realm),
      ([parameters, realm]) => {
        const built = buildAuthorizationHeader(parameters, realm);
        const parsed = parseAuthorizationHeader(built);
        expect(parsed).toEqual({ realm, parameters });
        expect(buildAuthorizationHeader(parsed.parameters, parsed.realm)).toBe(built);
      },
      fuzzRuns(500),
    );
  });

  it('what it reads from any header, written again, reads the same', async () => {
    await fuzz.property(
      header.map((text) => text.replace(/[\u0100-\uffff]/g, '?')),
      (text) => {
        let parsed: ReturnType<typeof parseAuthorizationHeader>;
        try {
          parsed = parseAuthorizationHeader(text);
        } catch (error) {
          return expectTyped(error, ['malformed_authorization_header', 'parameter_duplicated']);
        }
        // A parameter named realm once decoded (`%72ealm`) would be read as the realm when written again.
        if (parsed.parameters.some(([name]) => name.toLowerCase() === 'realm')) return;
        let again: string;
        try {
          again = buildAuthorizationHeader(parsed.parameters, parsed.realm);
        } catch (error) {
          // A realm with control characters is read, but never written.
          return expectTyped(error, ['invalid_request']);
        }
        expect(parseAuthorizationHeader(again)).toEqual(parsed);
      },
      fuzzRuns(400),
    );
  });
});

/**
 * The application/x-www-form-urlencoded parser of the URL Standard (section
 * 5.1), step by step over the UTF-8 bytes of the text. Node's URLSearchParams
 * is no reference beyond ASCII: it percent-decodes the text's characters as
 * Latin-1 bytes, so `é%FF` reads there as two U+FFFD, not `é` and one.
 */
function whatwgFormParse(text: string): [string, string][] {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true }); // "UTF-8 decode without BOM"
  const decode = (bytes: Uint8Array) => {
    const out: number[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i] === 0x2b ? 0x20 : (bytes[i] as number);
      const hex = String.fromCharCode(bytes[i + 1] ?? 0, bytes[i + 2] ?? 0);
      if (byte === 0x25 && /^[0-9A-Fa-f]{2}$/.test(hex)) {
        out.push(Number.parseInt(hex, 16));
        i += 2;
      } else {
        out.push(byte);
      }
    }
    return decoder.decode(new Uint8Array(out));
  };
  const bytes = new TextEncoder().encode(text);
  const pairs: [string, string][] = [];
  let start = 0;
  for (let end = 0; end <= bytes.length; end++) {
    if (end < bytes.length && bytes[end] !== 0x26) continue;
    const sequence = bytes.subarray(start, end);
    start = end + 1;
    if (sequence.length === 0) continue;
    const equals = sequence.indexOf(0x3d);
    const name = equals === -1 ? sequence : sequence.subarray(0, equals);
    const value = equals === -1 ? new Uint8Array(0) : sequence.subarray(equals + 1);
    pairs.push([decode(name), decode(value)]);
  }
  return pairs;
}

describe('form encoding (section 3.4.1.3.1)', () => {
  it('reads any text as the WHATWG form parser does (and as URLSearchParams does ASCII)', async () => {
    await fuzz.property(
      wellFormedText,
      (text) => {
        const pairs = parseFormEncoded(text);
        expect(pairs).toEqual(whatwgFormParse(text));
        // URLSearchParams drops a leading `?`; after `&` it drops nothing.
        if (/^\p{ASCII}*$/u.test(text)) expect(pairs).toEqual([...new URLSearchParams(`&${text}`)]);
      },
      fuzzRuns(600),
    );
  });

  it('never throws, and its twice-encoded reading is the reading encoded twice, surrogates and all', async () => {
    await fuzz.property(
      anyText,
      (text) => {
        const pairs = parseFormEncoded(text);
        expectPairs(pairs);
        expect(parseFormEncodedTwice(text)).toEqual(
          pairs.map(([name, value]) => [percentEncode(percentEncode(name)), percentEncode(percentEncode(value))]),
        );
      },
      fuzzRuns(400),
    );
  });

  it('round trip: reads back the pairs it wrote, and writes back the text it read', async () => {
    await fuzz.property(
      fc.array(pair, { maxLength: 10 }),
      (pairs) => {
        const text = serializeFormEncoded(pairs);
        expect(parseFormEncoded(text)).toEqual(pairs);
        expect(serializeFormEncoded(parseFormEncoded(text))).toBe(text);
      },
      fuzzRuns(500),
    );
  });
});

describe('token answers (sections 2.1 and 2.3)', () => {
  const field = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom('oauth_token', 'oauth_token_secret', 'oauth_callback_confirmed') },
    { weight: 1, arbitrary: anyText },
  );
  const answer = fc.oneof(
    anyText,
    // Near-valid: the fields a token answer has, in any order, repeated or not, with any values.
    fc
      .array(fc.tuple(field, fc.oneof(fc.constant('true'), anyText)), { maxLength: 6 })
      .chain((pairs) =>
        fc.constantFrom(
          pairs.map(([n, v]) => `${n}=${v}`).join('&'),
          serializeFormEncoded(pairs.map(([n, v]) => [n.toWellFormed(), v.toWellFormed()])),
        ),
      ),
    fc.tuple(anyText, anyText).map(([token, secret]) => ` oauth_token=${token}&oauth_token_secret=${secret}\n`),
  );

  it('reads any answer as credentials or refuses it with invalid_token_response', async () => {
    await fuzz.property(
      answer,
      (text) => {
        try {
          const credentials = parseTokenResponse(text);
          expect(credentials.token).toEqual(expect.any(String));
          expect(credentials.token).not.toBe('');
          expect(credentials.tokenSecret).toEqual(expect.any(String));
          for (const value of Object.values(credentials.extra)) expect(value).toEqual(expect.any(String));
        } catch (error) {
          expectTyped(error, ['invalid_token_response']);
        }
        try {
          const temporary = parseTemporaryCredentialsResponse(text);
          expect(Object.hasOwn(temporary.extra, 'oauth_callback_confirmed')).toBe(false);
        } catch (error) {
          expectTyped(error, ['invalid_token_response', 'callback_not_confirmed']);
        }
      },
      fuzzRuns(600),
    );
  });

  it('round trip: reads back the credentials and fields of any answer written from them', async () => {
    const credentials = fc
      .record({
        token: wellFormedPart.filter(Boolean),
        tokenSecret: wellFormedPart,
        extra: fc.uniqueArray(pair, { selector: ([name]) => name, maxLength: 5 }),
      })
      .filter(({ extra }) => extra.every(([name]) => name !== 'oauth_token' && name !== 'oauth_token_secret'));
    await fuzz.property(
      credentials,
      ({ token, tokenSecret, extra }) => {
        const text = serializeFormEncoded([['oauth_token', token], ...extra, ['oauth_token_secret', tokenSecret]]);
        expect(parseTokenResponse(text)).toEqual({ token, tokenSecret, extra: Object.fromEntries(extra) });
      },
      fuzzRuns(350),
    );
  });
});

describe("providers' problem reports (server/upstream/problem-reporting.ts)", () => {
  it('reads any answer without throwing: a problem name and, when given, two whole timestamps', async () => {
    const problemHeader = fc.oneof(
      headerText,
      headerText.map((rest) => `OAuth oauth_problem="timestamp_refused", oauth_acceptable_timestamps=${rest}`),
    );
    const body = fc.oneof(
      anyText,
      fc.tuple(anyText, anyText).map(([a, b]) => `oauth_problem=${a}&oauth_acceptable_timestamps=${b}`),
    );
    await fuzz.property(
      fc.record({
        header: fc.option(problemHeader, { nil: undefined }),
        type: fc.constantFrom(undefined, 'text/plain', 'application/x-www-form-urlencoded', 'application/json', ''),
        body,
      }),
      ({ header, type, body }) => {
        const headers = new Headers();
        if (header !== undefined) headers.set('www-authenticate', header.replace(/\p{Cc}/gu, ' '));
        if (type !== undefined) headers.set('content-type', type);
        const problem = oauthProblemOf({ status: 401, headers, body: new TextEncoder().encode(body) });
        if (problem === undefined) return;
        expect(problem.problem).toEqual(expect.any(String));
        expect(problem.problem).not.toBe('');
        if (problem.acceptableTimestamps) {
          for (const seconds of problem.acceptableTimestamps) expect(Number.isSafeInteger(seconds)).toBe(true);
        }
      },
      fuzzRuns(400),
    );
  });
});
