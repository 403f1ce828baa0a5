import { OAuthError } from './errors';
import type { Parameter } from './form-encoding';
import { percentDecode, percentEncode } from './percent-encoding';

/**
 * RFC 5849 section 3.5.1: `OAuth realm="…", name="value", …` with names and
 * values percent-encoded. The realm is an RFC 2617 quoted-string and never
 * part of the signature.
 */
export function buildAuthorizationHeader(protocolParameters: readonly Parameter[], realm?: string): string {
  return authorizationHeaderFromEncoded(
    protocolParameters.map(([name, value]) => [percentEncode(name), percentEncode(value)] as const),
    realm,
  );
}

/** The same, from pairs that are already percent-encoded. */
export function authorizationHeaderFromEncoded(encoded: readonly Parameter[], realm?: string): string {
  let header = realm === undefined ? 'OAuth' : `OAuth realm=${quotedString(realm)}`;
  for (let i = 0; i < encoded.length; i++) {
    const [name, value] = encoded[i] as Parameter;
    header += i === 0 && realm === undefined ? ` ${name}="${value}"` : `, ${name}="${value}"`;
  }
  return header;
}

export interface ParsedAuthorizationHeader {
  readonly realm: string | undefined;
  /** Decoded protocol parameters in the order they appeared, duplicates kept. */
  readonly parameters: Parameter[];
}

// auth-param = token "=" ( token / quoted-string ), separated by commas with optional whitespace.
const AUTH_PARAM =
  /[ \t]*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)[ \t]*=[ \t]*(?:"((?:[^"\\]|\\[\s\S])*)"|([!#$%&'*+\-.^_`|~0-9A-Za-z]+))[ \t]*(,|$)/y;

/** Parses an `OAuth` Authorization header value (section 3.5.1). */
export function parseAuthorizationHeader(header: string): ParsedAuthorizationHeader {
  const scheme = /^[ \t]*OAuth(?:[ \t]+|$)/i.exec(header);
  if (!scheme)
    throw new OAuthError('malformed_authorization_header', 'the Authorization header does not use the OAuth scheme');
  let realm: string | undefined;
  const parameters: Parameter[] = [];
  AUTH_PARAM.lastIndex = scheme[0].length;
  while (AUTH_PARAM.lastIndex < header.length) {
    const match = AUTH_PARAM.exec(header);
    if (!match) {
      throw new OAuthError(
        'malformed_authorization_header',
        'the OAuth Authorization header is not a list of name="value" pairs',
      );
    }
    const [, name = '', quoted, token] = match;
    const raw = quoted === undefined ? (token ?? '') : quoted.replace(/\\([\s\S])/g, '$1');
    // Auth-param names are case-insensitive (RFC 7235), so `Realm` is the realm too.
    if (name.toLowerCase() === 'realm') {
      if (realm !== undefined)
        throw new OAuthError('parameter_duplicated', 'realm appears twice in the Authorization header');
      realm = raw;
    } else {
      parameters.push([percentDecode(name), percentDecode(raw)]);
    }
    if (match[4] === '') break;
  }
  return { realm, parameters };
}

function quotedString(text: string): string {
  if (hasControlCharacter(text)) {
    throw new OAuthError('invalid_request', 'the realm contains control characters');
  }
  return `"${text.replace(/(["\\])/g, '\\$1')}"`;
}

/** Control characters other than tab cannot be carried in a header value at all. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true;
  }
  return false;
}
