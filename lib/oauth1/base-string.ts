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
  // Sort "name\0value" strings: NUL is below every character an encoded name
  // can hold, so one plain string sort orders by name, then by value, without
  // a comparator call per comparison. Encoded text is ASCII, so UTF-16 order
  // is byte order.
  const keyed = new Array<string>(parameters.length);
  for (let i = 0; i < parameters.length; i++) {
    const [name, value] = parameters[i] as Parameter;
    keyed[i] = `${percentEncode(name)}\0${percentEncode(value)}`;
  }
  keyed.sort();
  return keyed.join('&').replaceAll('\0', '=');
}

/**
 * RFC 5849 section 3.4.1.1, signature base string:
 * `METHOD&encoded base string URI&encoded normalised parameters`.
 */
export function signatureBaseString(request: SignableRequest, protocolParameters: readonly Parameter[] = []): string {
  const url = parseRequestUrl(request.url);
  const parameters = collectParameters({ ...request, url }, protocolParameters);
  return joinBaseString(request.method, baseStringUri(url), normalizeParameters(parameters));
}

/** The last step of section 3.4.1.1, for callers that already hold the parts. */
export function joinBaseString(method: string, uri: string, normalizedParameters: string): string {
  // The normalised string holds only unreserved characters, `%`, `=` and `&`,
  // all of which encodeURIComponent encodes exactly as section 3.6 wants.
  return `${percentEncode(method.toUpperCase())}&${percentEncode(uri)}&${encodeURIComponent(normalizedParameters)}`;
}
