import fc from 'fast-check';
import type { Parameter } from '../../lib/oauth1';

/**
 * Requests with hard content for differential tests: the characters RFC 5849
 * encodes and JavaScript's encodeURIComponent does not (`!*'()`), `+`, `%`,
 * `=`, `&`, spaces, empty values, duplicate names, non-ASCII, emoji (surrogate
 * pairs), parameters in both query and body, explicit ports, mixed-case hosts.
 * Each request keeps its ground truth (decoded pairs, expected base URI) next
 * to the raw URL, so peers can be fed what they understand.
 */
const hardCharacters = ['!', '*', "'", '(', ')', '+', '%', '=', '&', ' ', '~', '-', '_', '.', '/', '?', '#', ':', '@'];
const unicode = ['é', 'ß', '私', 'の', '☃', '😀', '👍🏽', '\u00a0', '\u0080'];
const plain = 'abcXYZ019'.split('');

const character = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...plain) },
  { weight: 3, arbitrary: fc.constantFrom(...hardCharacters) },
  { weight: 2, arbitrary: fc.constantFrom(...unicode) },
);
const text = (maxLength: number) => fc.array(character, { maxLength }).map((chars) => chars.join(''));

/** Names from a small pool, so duplicates are common; never protocol names or object-prototype traps. */
const name = fc
  .oneof(fc.constantFrom('a', 'b', 'status', 'Q', 'a b', 'x!y'), text(8))
  .filter((n) => !n.startsWith('oauth_') && !['__proto__', 'constructor', 'hasOwnProperty'].includes(n));

const parameter: fc.Arbitrary<Parameter> = fc.tuple(name, fc.oneof(fc.constant(''), text(16)));

/** How a query component is written on the wire: all equivalent after decoding. */
const queryEncoding = fc.constantFrom('rfc3986', 'encodeURIComponent', 'form-plus');

function encodeQueryComponent(value: string, style: string): string {
  const encoded = encodeURIComponent(value);
  if (style === 'encodeURIComponent') return encoded; // leaves !*'() raw: still valid in a query
  if (style === 'form-plus') return encoded.replaceAll('%20', '+');
  return encoded.replace(/[!*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface GeneratedRequest {
  readonly method: string;
  /** The URL as a client would pass it: mixed case, explicit ports, encoded query. */
  readonly url: string;
  readonly urlWithoutQuery: string;
  /** Ground truth of section 3.4.1.2, from the generated parts. */
  readonly expectedBaseUri: string;
  readonly query: Parameter[];
  readonly form: Parameter[];
}

const host = fc
  .tuple(fc.constantFrom('api', 'API', 'Api', 'www'), fc.constantFrom('example.com', 'Example.NET', 'X.com'))
  .map(([sub, domain]) => `${sub}.${domain}`);
const port = fc.constantFrom<'default-implicit' | 'default-explicit' | number>(
  'default-implicit',
  'default-explicit',
  8080,
  8443,
  1,
);
// Dot segments are left out (URL parsing removes them, as it should), and `'`
// is written %27 because node-oauth's legacy url.parse rewrites it.
const pathSegment = fc
  .oneof(
    fc.constantFrom('1.1', 'statuses', 'update.json', 'r%20v', 'X', '~user', 'caf%C3%A9', 'a!b*(c)'),
    text(4).map((segment) => encodeURIComponent(segment).replaceAll("'", '%27')),
  )
  .filter((segment) => segment !== '.' && segment !== '..');

export const generatedRequest: fc.Arbitrary<GeneratedRequest> = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'patch'),
    scheme: fc.constantFrom('http', 'https'),
    host,
    port,
    path: fc.array(pathSegment, { maxLength: 3 }),
    query: fc.array(parameter, { maxLength: 5 }),
    form: fc.array(parameter, { maxLength: 5 }),
    queryEncoding,
  })
  .map(({ method, scheme, host, port, path, query, form, queryEncoding }) => {
    const defaultPort = scheme === 'https' ? 443 : 80;
    const portText = port === 'default-implicit' ? '' : `:${port === 'default-explicit' ? defaultPort : port}`;
    const pathText = `/${path.join('/')}`;
    const queryText = query
      .map(([n, v]) => `${encodeQueryComponent(n, queryEncoding)}=${encodeQueryComponent(v, queryEncoding)}`)
      .join('&');
    const urlWithoutQuery = `${scheme}://${host}${portText}${pathText}`;
    const expectedPort = typeof port === 'number' ? `:${port}` : '';
    return {
      method,
      url: queryText ? `${urlWithoutQuery}?${queryText}` : urlWithoutQuery,
      urlWithoutQuery,
      expectedBaseUri: `${scheme}://${host.toLowerCase()}${expectedPort}${pathText}`,
      query,
      form: method === 'GET' || method === 'DELETE' ? [] : form,
    };
  });

export interface GeneratedCredentials {
  readonly consumerKey: string;
  readonly consumerSecret: string;
  readonly token: string;
  readonly tokenSecret: string;
  readonly nonce: string;
  readonly timestamp: string;
}

export const generatedCredentials: fc.Arbitrary<GeneratedCredentials> = fc.record({
  consumerKey: fc.oneof(fc.constant('xvz1evFS4wEEPTGEFPHBog'), text(12)),
  consumerSecret: text(20),
  // Never empty: node-oauth drops an empty token, we send it (it was given).
  token: fc.oneof(fc.constant('370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb'), text(12).filter(Boolean)),
  tokenSecret: text(20),
  nonce: fc.oneof(fc.stringMatching(/^[A-Za-z0-9]{8,42}$/), text(10)),
  timestamp: fc.integer({ min: 1, max: 4_000_000_000 }).map(String),
});

/** Pairs as an object with arrays for repeated names: the shape the peers take. */
export function toPeerObject(pairs: readonly Parameter[]): Record<string, string | string[]> {
  const object: Record<string, string | string[]> = {};
  for (const [n, v] of pairs) {
    const existing = object[n];
    if (existing === undefined) object[n] = v;
    else if (Array.isArray(existing)) existing.push(v);
    else object[n] = [existing, v];
  }
  return object;
}
