/**
 * RFC 5849 section 3.6: every character except the unreserved set
 * `ALPHA / DIGIT / "-" / "." / "_" / "~"` is encoded as `%XX` (uppercase hex)
 * of its UTF-8 bytes.
 *
 * `encodeURIComponent` already does this except for `! ' ( ) *`, which it
 * leaves alone; those are rare, so a cheap test guards the rewrite.
 */
export function percentEncode(value: string): string {
  let encoded: string;
  try {
    encoded = encodeURIComponent(value);
  } catch {
    // A lone surrogate has no UTF-8 form. Sign what a browser or Node would
    // send for it (U+FFFD), so the signature matches the bytes on the wire.
    encoded = encodeURIComponent(value.toWellFormed());
  }
  return NOT_ENCODED_BY_JS.test(encoded) ? encoded.replace(NOT_ENCODED_BY_JS_ALL, encodeSubDelimiter) : encoded;
}

const NOT_ENCODED_BY_JS = /[!'()*]/;
const NOT_ENCODED_BY_JS_ALL = /[!'()*]/g;

function encodeSubDelimiter(character: string): string {
  return `%${character.charCodeAt(0).toString(16).toUpperCase()}`;
}

/**
 * Decodes `%XX` sequences as UTF-8. Malformed input is decoded the way the
 * WHATWG form parser does it (bad escapes stay literal, bad UTF-8 becomes
 * U+FFFD), so what we sign is what a server built on that parser sees.
 */
export function percentDecode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return lenientPercentDecode(value);
  }
}

const utf8Decoder = new TextDecoder();

function lenientPercentDecode(value: string): string {
  const bytes: number[] = [];
  const utf8 = new TextEncoder().encode(value);
  for (let i = 0; i < utf8.length; i++) {
    const byte = utf8[i] as number;
    const high = hexValue(utf8[i + 1]);
    const low = hexValue(utf8[i + 2]);
    if (byte === 0x25 && high >= 0 && low >= 0) {
      bytes.push(high * 16 + low);
      i += 2;
    } else {
      bytes.push(byte);
    }
  }
  return utf8Decoder.decode(new Uint8Array(bytes));
}

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}
