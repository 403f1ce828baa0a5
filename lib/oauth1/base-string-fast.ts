/**
 * The signing path's base string (sign-request.ts): the same string as
 * base-string-rfc.ts builds, by a shorter road. A request URL is parsed and
 * its query encoded twice once per URL string (cached), the protocol
 * parameters come already sorted and encoded, and the base string is written
 * straight from the sorted, twice-encoded pairs without the intermediate
 * normalised string. tests/lib/oauth1/base-string-paths.test.ts holds it to
 * the RFC-shaped path over generated requests.
 */
import type { EncodedPair } from './encoded-pairs';
import { parseFormEncodedTwice } from './form-encoding';
import { percentEncode } from './percent-encoding';
import { parseRequestUrl } from './request-url';

/** What signing needs from a request URL, ready for the base string. */
export interface AnalyzedUrl {
  /** The base string URI (section 3.4.1.2), percent-encoded once more. */
  readonly encodedBaseStringUri: string;
  /** The query's parameters, encoded twice as the base string holds them. Do not mutate. */
  readonly queryPairs: readonly EncodedPair[];
  /** Names of protocol parameters (`oauth_…`) in the query, `oauth_signature` included: usually none. */
  readonly protocolNames: readonly string[];
}

const CACHE_LIMIT = 256;
/** Longer URLs are analysed every time: the cache is for endpoints, not for carrying data. */
const CACHEABLE_LENGTH = 2048;
const cache = new Map<string, AnalyzedUrl>();

/**
 * Parses and encodes a request URL once. A client calls the same few
 * endpoints over and over, and URL parsing plus query re-encoding is a fifth
 * of the cost of a signature; results for up to 256 URL strings are kept
 * (pure values of the string, so the cache cannot go stale).
 */
export function analyzeRequestUrl(url: string | URL): AnalyzedUrl {
  if (typeof url !== 'string' || url.length > CACHEABLE_LENGTH) return analyze(parseRequestUrl(url));
  const cached = cache.get(url);
  if (cached) return cached;
  const analyzed = analyze(parseRequestUrl(url));
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(url, analyzed);
  return analyzed;
}

function analyze(url: URL): AnalyzedUrl {
  const pairs = parseFormEncodedTwice(url.search.slice(1));
  return {
    encodedBaseStringUri: percentEncode(`${url.protocol}//${url.host}${url.pathname}`),
    // Section 3.4.1.3.1: oauth_signature is never signed, wherever it is.
    queryPairs: pairs.filter(([name]) => name !== 'oauth_signature'),
    // Encoded twice, a name that starts with oauth_ still does (the prefix is unreserved).
    protocolNames: pairs.map(([name]) => name).filter((name) => name.startsWith('oauth_')),
  };
}

/**
 * Section 3.4.1.1 from an already encoded base string URI and sorted pairs
 * that are already encoded twice: the normalised string's own `=` and `&` are
 * written in their encoded forms.
 */
export function baseStringFromSortedPairs(
  method: string,
  encodedUri: string,
  sortedTwiceEncoded: readonly EncodedPair[],
): string {
  let parameters = '';
  for (let i = 0; i < sortedTwiceEncoded.length; i++) {
    const [name, value] = sortedTwiceEncoded[i] as EncodedPair;
    parameters += i === 0 ? `${name}%3D${value}` : `%26${name}%3D${value}`;
  }
  return `${percentEncode(method.toUpperCase())}&${encodedUri}&${parameters}`;
}
