import { FormDataEncoder } from 'form-data-encoder';

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
 * The entries as multipart/form-data (RFC 7578), encoded by form-data-encoder
 * (a maintained encoder of the HTML standard's multipart/form-data algorithm:
 * it makes the boundary, escapes `"`, CR and LF in names, normalizes line
 * breaks in text values and computes the length). Its `values()` hands back
 * each file object it was given where the file's bytes go: the pieces
 * reference the files' buffers, never copies of them.
 */
export function multipartBody(entries: readonly MultipartEntry[]): BytesBody {
  const form = new EntryList();
  for (const entry of entries) {
    form.append(
      entry.name,
      'value' in entry ? entry.value : new BufferFile(entry.bytes, entry.filename, entry.contentType),
    );
  }
  const encoder = new FormDataEncoder(form);
  const pieces: Uint8Array[] = [];
  for (const value of encoder.values()) {
    pieces.push(value instanceof BufferFile ? value.bytes : (value as Uint8Array));
  }
  const length = pieces.reduce((sum, piece) => sum + piece.byteLength, 0);
  // The encoder's own count of the same bytes: a mismatch would be a Content-Length that lies.
  if (String(length) !== encoder.contentLength) throw new Error('multipart length disagrees with its encoder');
  return { contentType: encoder.contentType, length, pieces };
}

/**
 * A file for the encoder (its FileLike) over bytes already in memory: Node's
 * File would copy them, and a 20 MB upload would be held twice.
 */
class BufferFile {
  readonly lastModified = 0;
  readonly [Symbol.toStringTag] = 'File';

  constructor(
    readonly bytes: Uint8Array,
    readonly name: string,
    readonly type: string,
  ) {}

  get size(): number {
    return this.bytes.byteLength;
  }

  async *stream(): AsyncGenerator<Uint8Array> {
    yield this.bytes;
  }
}

/** The entries in order, as the encoder reads a FormData (its FormDataLike). */
class EntryList {
  readonly [Symbol.toStringTag] = 'FormData';
  readonly #entries: [string, string | BufferFile][] = [];

  append(name: string, value: string | BufferFile): void {
    this.#entries.push([name, value]);
  }

  getAll(name: string): (string | BufferFile)[] {
    return this.#entries.filter(([entry]) => entry === name).map(([, value]) => value);
  }

  entries(): IterableIterator<[string, string | BufferFile]> {
    return this.#entries[Symbol.iterator]();
  }

  [Symbol.iterator](): IterableIterator<[string, string | BufferFile]> {
    return this.entries();
  }
}
