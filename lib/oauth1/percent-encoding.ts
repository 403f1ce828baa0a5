/**
 * RFC 5849 section 3.6: every character except the unreserved set
 * `ALPHA / DIGIT / "-" / "." / "_" / "~"` is encoded as `%XX` (uppercase hex)
 * of its UTF-8 bytes.
 *
 * Most values a client signs (keys, tokens, nonces, timestamps) are entirely
 * unreserved, so the first loop usually returns the string untouched; this is
 * several times faster than `encodeURIComponent` plus fix-ups, and signing
 * calls it for every name and value.
 */
export function percentEncode(value: string): string {
  return isUnreservedText(value) ? value : encodeFrom(value, ASCII_ESCAPES, false);
}

/**
 * `percentEncode(percentEncode(value))` in one pass: the signature base string
 * encodes each already-encoded parameter once more (section 3.4.1.1), which
 * only turns every `%` into `%25`.
 */
export function percentEncodeTwice(value: string): string {
  return isUnreservedText(value) ? value : encodeFrom(value, ASCII_ESCAPES_TWICE, true);
}

const NEEDS_ENCODING = /[^A-Za-z0-9._~-]/;

/** Whether the text holds only unreserved characters, and so encodes to itself. */
export function isUnreservedText(text: string): boolean {
  // A compiled regular expression scans long text about twice as fast as a
  // charCodeAt loop, but costs more to call, so short text gets the loop.
  if (text.length > 24) return !NEEDS_ENCODING.test(text);
  for (let i = 0; i < text.length; i++) {
    if (!isUnreserved(text.charCodeAt(i))) return false;
  }
  return true;
}

/** 1 for the ASCII codes of unreserved characters. */
const UNRESERVED = new Uint8Array(128);
for (const character of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~') {
  UNRESERVED[character.charCodeAt(0)] = 1;
}
const ASCII_ESCAPES = Array.from({ length: 128 }, (_, code) => `%${code.toString(16).toUpperCase().padStart(2, '0')}`);
const ASCII_ESCAPES_TWICE = ASCII_ESCAPES.map((once) => `%25${once.slice(1)}`);

function isUnreserved(code: number): boolean {
  return code < 128 && UNRESERVED[code] === 1;
}

function encodeFrom(value: string, asciiEscapes: readonly string[], twice: boolean): string {
  let encoded = '';
  let i = 0;
  while (i < value.length) {
    const code = value.charCodeAt(i);
    if (code < 128) {
      if (UNRESERVED[code] === 1) {
        const runStart = i;
        while (i < value.length && isUnreserved(value.charCodeAt(i))) i++;
        encoded += value.slice(runStart, i);
      } else {
        encoded += asciiEscapes[code];
        i++;
      }
    } else {
      const runStart = i;
      while (i < value.length && value.charCodeAt(i) >= 128) i++;
      const utf8 = encodeUtf8(value.slice(runStart, i));
      encoded += twice ? utf8.replaceAll('%', '%25') : utf8;
    }
  }
  return encoded;
}

/** Non-ASCII text: encodeURIComponent gives exactly the `%XX` of its UTF-8 bytes. */
function encodeUtf8(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    // A lone surrogate has no UTF-8 form. Sign what a browser or Node would
    // send for it (U+FFFD), so the signature matches the bytes on the wire.
    return encodeURIComponent(text.toWellFormed());
  }
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

// "UTF-8 decode without BOM": a leading U+FEFF is text like any other, as in the fast path above.
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

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
