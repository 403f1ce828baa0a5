/**
 * The signature base string as RFC 5849 section 3.4.1 writes it, step by step
 * (collect, normalise, join), each step its own function. It is the reference:
 * verification (verify-request.ts) and the signature debug log build base
 * strings with it, and the signing path (base-string-fast.ts, sign-request.ts)
 * is tested against it (tests/lib/oauth1/base-string-paths.test.ts).
 */
import { type EncodedPair, encodePairs, sortEncodedPairs } from './encoded-pairs';
import { type Parameter, parseFormEncoded } from './form-encoding';
import { percentEncode } from './percent-encoding';
import { parseRequestUrl } from './request-url';

/** The parts of an HTTP request that the signature covers. */
export interface SignableRequest {
  /** HTTP method, any case. */
  readonly method: string;
  /** Absolute http(s) URL; its query takes part in the signature. */
  readonly url: string | URL;
  /** Decoded pairs of an `application/x-www-form-urlencoded` body. */
  readonly form?: readonly Parameter[] | undefined;
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
