import { isUnreservedText, percentDecode, percentEncode, percentEncodeTwice } from './percent-encoding';

/** A decoded name/value pair. Order and duplicates matter, so never an object. */
export type Parameter = readonly [name: string, value: string];

/**
 * Parses `application/x-www-form-urlencoded` text (a query string or a form
 * body) into decoded pairs, as RFC 5849 section 3.4.1.3.1 asks: `+` is a
 * space, empty segments are skipped, a segment without `=` has an empty value.
 */
export function parseFormEncoded(text: string): Parameter[] {
  return splitPairs(text, decodeFormComponent);
}

/**
 * Parses form-encoded text straight into pairs encoded twice, as the
 * signature base string holds them (section 3.4.1.1 encodes the normalised,
 * already encoded, parameters once more). Segments that are plain unreserved
 * text, the common case, skip the decode-and-encode round trip.
 */
export function parseFormEncodedTwice(text: string): [name: string, value: string][] {
  return splitPairs(text, reencodeTwice);
}

/**
 * Serialises pairs for a query string or a form body with RFC 3986 encoding
 * (section 3.5.2 and 3.5.3), so the bytes sent are exactly the ones signed.
 */
export function serializeFormEncoded(parameters: readonly Parameter[]): string {
  let text = '';
  for (const [name, value] of parameters) {
    if (text !== '') text += '&';
    text += `${percentEncode(name)}=${percentEncode(value)}`;
  }
  return text;
}

/** Splits `a=1&b=2` into pairs, each name and value passed through `component`. */
function splitPairs(text: string, component: (raw: string) => string): [string, string][] {
  const pairs: [string, string][] = [];
  if (text === '') return pairs;
  for (const segment of text.split('&')) {
    if (segment === '') continue;
    const equals = segment.indexOf('=');
    const rawName = equals === -1 ? segment : segment.slice(0, equals);
    const rawValue = equals === -1 ? '' : segment.slice(equals + 1);
    pairs.push([component(rawName), component(rawValue)]);
  }
  return pairs;
}

function decodeFormComponent(raw: string): string {
  return percentDecode(raw.includes('+') ? raw.replaceAll('+', ' ') : raw);
}

function reencodeTwice(raw: string): string {
  return isUnreservedText(raw) ? raw : percentEncodeTwice(decodeFormComponent(raw));
}
