import { OAuthError } from './errors';
import { type Parameter, parseFormEncoded } from './form-encoding';
import { percentEncode } from './percent-encoding';

/** The parts of an HTTP request that the signature covers. */
export interface SignableRequest {
  /** HTTP method, any case. */
  readonly method: string;
  /** Absolute http(s) URL; its query takes part in the signature. */
  readonly url: string | URL;
  /** Decoded pairs of an `application/x-www-form-urlencoded` body. */
  readonly form?: readonly Parameter[] | undefined;
}

/** Parses a request URL, refusing anything that is not absolute http(s). */
export function parseRequestUrl(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    throw new OAuthError('invalid_url', `not an absolute URL: ${String(url)}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new OAuthError('invalid_url', `OAuth 1.0a signs http and https URLs only, not ${parsed.protocol}`);
  }
  return parsed;
}

/**
 * RFC 5849 section 3.4.1.2, base string URI: scheme and host in lowercase, the
 * port only when it is not the scheme's default, the path as sent (at least
 * `/`), and no query or fragment. WHATWG URL parsing already lowercases the
 * scheme and host, drops default ports and gives an empty path as `/`.
 */
export function baseStringUri(url: string | URL): string {
  const parsed = parseRequestUrl(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

/**
 * RFC 5849 section 3.4.1.3.1, parameter sources: the query component, a form
 * body, and the protocol parameters (those of the Authorization header), all
 * decoded. `oauth_signature` is left out wherever it is; `realm` only when it
 * comes from the header, since in a query or body it is an ordinary parameter.
 */
export function collectParameters(
  request: SignableRequest,
  protocolParameters: readonly Parameter[] = [],
): Parameter[] {
  const url = parseRequestUrl(request.url);
  const collected: Parameter[] = [];
  for (const parameter of parseFormEncoded(url.search.slice(1))) {
    if (parameter[0] !== 'oauth_signature') collected.push(parameter);
  }
  for (const parameter of request.form ?? []) {
    if (parameter[0] !== 'oauth_signature') collected.push(parameter);
  }
  for (const parameter of protocolParameters) {
    if (parameter[0] !== 'oauth_signature' && parameter[0] !== 'realm') collected.push(parameter);
  }
  return collected;
}

/**
 * RFC 5849 section 3.4.1.3.2, normalisation: encode names and values, sort by
 * name and then by value in byte order (duplicates kept), join as
 * `name=value` pairs with `&`.
 */
export function normalizeParameters(parameters: readonly Parameter[]): string {
  const encoded = sortEncodedPairs(encodePairs(parameters));
  let normalized = '';
  for (let i = 0; i < encoded.length; i++) {
    const [name, value] = encoded[i] as EncodedPair;
    normalized += i === 0 ? `${name}=${value}` : `&${name}=${value}`;
  }
  return normalized;
}

/**
 * RFC 5849 section 3.4.1.1, signature base string:
 * `METHOD&encoded base string URI&encoded normalised parameters`.
 */
export function signatureBaseString(request: SignableRequest, protocolParameters: readonly Parameter[] = []): string {
  const url = parseRequestUrl(request.url);
  const parameters = collectParameters({ method: request.method, url, form: request.form }, protocolParameters);
  return joinBaseString(request.method, baseStringUri(url), normalizeParameters(parameters));
}

/** The last step of section 3.4.1.1, for callers that already hold the parts. */
export function joinBaseString(method: string, uri: string, normalizedParameters: string): string {
  // The normalised string holds only unreserved characters, `%`, `=` and `&`,
  // all of which encodeURIComponent encodes exactly as section 3.6 wants.
  return `${percentEncode(method.toUpperCase())}&${percentEncode(uri)}&${encodeURIComponent(normalizedParameters)}`;
}

/** A name/value pair already percent-encoded per section 3.6. */
export type EncodedPair = [name: string, value: string];

export function encodePairs(parameters: readonly Parameter[]): EncodedPair[] {
  const encoded = new Array<EncodedPair>(parameters.length);
  for (let i = 0; i < parameters.length; i++) {
    const [name, value] = parameters[i] as Parameter;
    encoded[i] = [percentEncode(name), percentEncode(value)];
  }
  return encoded;
}

/**
 * Sorts encoded pairs in place by name, then value. Encoded text is ASCII, so
 * comparing UTF-16 code units is comparing bytes, as section 3.4.1.3.2 asks.
 * The order is the same for pairs encoded twice: the second encoding only
 * turns `%` into `%25`, and `%` sorts below every other character an encoded
 * string can hold, so no comparison changes.
 *
 * Requests carry a handful of parameters, mostly in order already (the
 * protocol ones are built sorted), where insertion sort beats a general sort.
 */
export function sortEncodedPairs(pairs: EncodedPair[]): EncodedPair[] {
  if (pairs.length > 24) return pairs.sort(compareEncodedPairs);
  for (let i = 1; i < pairs.length; i++) {
    const current = pairs[i] as EncodedPair;
    let j = i - 1;
    while (j >= 0 && compareEncodedPairs(pairs[j] as EncodedPair, current) > 0) {
      pairs[j + 1] = pairs[j] as EncodedPair;
      j--;
    }
    pairs[j + 1] = current;
  }
  return pairs;
}

function compareEncodedPairs(a: EncodedPair, b: EncodedPair): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
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
