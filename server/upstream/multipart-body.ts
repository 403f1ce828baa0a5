import { randomBytes } from 'node:crypto';

/**
 * A request body held in memory, ready to send: its Content-Type, its exact
 * length in bytes, and its pieces in order. The pieces reference the files'
 * buffers, and are written one after another, never joined: a 20 MB file is
 * not copied to be sent, and the same body can be sent again (the retry after
 * a refused timestamp).
 */
export interface BytesBody {
  readonly contentType: string;
  /** All pieces together, bytes: the Content-Length. */
  readonly length: number;
  readonly pieces: readonly Uint8Array[];
}

/** A multipart/form-data entry: a text field, or a file's bytes with its file name and media type. */
export type MultipartEntry =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly filename: string; readonly contentType: string; readonly bytes: Uint8Array };

export function isBytesBody(body: unknown): body is BytesBody {
  return typeof body === 'object' && body !== null && 'pieces' in body;
}

/** A raw body (SmugMug-style uploads): the bytes as they are, under their media type. */
export function rawBody(contentType: string, bytes: Uint8Array): BytesBody {
  return { contentType, length: bytes.byteLength, pieces: [bytes] };
}

/**
 * The entries as multipart/form-data (RFC 7578), encoded as browsers and
 * undici's FormData encode them (the HTML standard's multipart/form-data
 * encoding algorithm): names and file names with `"`, CR and LF
 * percent-escaped, line breaks in text values normalized to CRLF, UTF-8, and
 * a CRLF after the closing delimiter. The boundary holds 128 random bits, so
 * no file can contain it but by a 2^-128 chance.
 */
export function multipartBody(entries: readonly MultipartEntry[]): BytesBody {
  const boundary = `----formdata-companion-${randomBytes(16).toString('hex')}`;
  const prefix = `--${boundary}\r\nContent-Disposition: form-data; name="`;
  const pieces: Uint8Array[] = [];
  let length = 0;
  // Text between files is joined into one piece: a few writes per body, whatever its number of fields.
  let text = '';
  const flush = () => {
    if (text === '') return;
    const piece = Buffer.from(text, 'utf8');
    pieces.push(piece);
    length += piece.byteLength;
    text = '';
  };
  for (const entry of entries) {
    if ('value' in entry) {
      text += `${prefix}${escaped(crlf(entry.name))}"\r\n\r\n${crlf(entry.value)}\r\n`;
      continue;
    }
    text += `${prefix}${escaped(crlf(entry.name))}"; filename="${escaped(entry.filename)}"\r\nContent-Type: ${entry.contentType}\r\n\r\n`;
    flush();
    pieces.push(entry.bytes);
    length += entry.bytes.byteLength;
    text = '\r\n';
  }
  text += `--${boundary}--\r\n`;
  flush();
  return { contentType: `multipart/form-data; boundary=${boundary}`, length, pieces };
}

/** `"`, CR and LF in a Content-Disposition parameter, percent-escaped as the HTML standard says. */
function escaped(value: string): string {
  return value.replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');
}

/** Every line break (CR, LF or CRLF) as CRLF. */
function crlf(value: string): string {
  return value.replace(/\r?\n|\r/g, '\r\n');
}
