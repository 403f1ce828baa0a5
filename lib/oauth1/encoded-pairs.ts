/**
 * Encoded name/value pairs and their byte-order sort (RFC 5849 section
 * 3.4.1.3.2): shared by the RFC-shaped base string (base-string-rfc.ts) and
 * the signing path's (base-string-fast.ts).
 */
import type { Parameter } from './form-encoding';
import { percentEncode } from './percent-encoding';

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
