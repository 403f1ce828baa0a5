import { createHash } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { Busboy, type BusboyFileStream } from '@fastify/busboy';
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import { declaredFiles, ProxyRequest } from '../../lib/protocol';
import { CompanionError } from '../errors';
import type { AnswerReservation } from '../upstream/answer-budget';
import { bodyTooLarge, uploadBodyLimitBytes } from './body-limits';
import { readJson, validated } from './read-json';

/** A file's bytes as they arrived, and their MD5 (hex) when one was declared (and found equal). */
export interface ReceivedFile {
  readonly bytes: Buffer;
  readonly md5?: string | undefined;
}

/** A proxied request and the bytes of the files it declares, by the name of the part that held them. */
export interface ProxyInput {
  readonly request: ProxyRequest;
  readonly files: ReadonlyMap<string, ReceivedFile>;
}

export interface UploadLimits {
  /** The most file bytes one request may carry, all files together. */
  readonly maxUploadBytes: number;
  /** The largest `request` part (the JSON), bytes: the JSON body limit. */
  readonly maxRequestPartBytes: number;
  /** Where the files' bytes are accounted: reserved whole, from their declared sizes, before any arrives. */
  readonly reservation: AnswerReservation;
  /**
   * Told the request as soon as its part is read, before any file is: a
   * request that cannot be sent (no such account, a provider that takes no
   * uploads) is refused without holding or hashing megabytes first.
   */
  readonly checkRequest?: ((request: ProxyRequest) => Promise<void>) | undefined;
}

/**
 * `POST /v1/accounts/{id}/requests` in either shape: a JSON ProxyRequest, or
 * multipart/form-data (RFC 7578) whose first part, `request`, is that JSON and
 * whose other parts are the files it declares (`multipart[].file`, `raw.file`).
 * Files are read as they stream in, each into one buffer of its declared size
 * (which the upstream body is written from), and checked against that size
 * and its declared MD5.
 * A refused upload is answered once the rest of its body has been read and
 * dropped (with Connection: close), so that the answer reaches the client.
 * @throws CompanionError unsupported_media_type, malformed_json, invalid_request,
 *   body_too_large (413, `limitBytes`, Connection: close), upload_mismatch, companion_busy
 */
export async function readProxyInput(c: Context, limits: UploadLimits): Promise<ProxyInput> {
  const type = c.req.header('content-type') ?? '';
  if (!/^multipart\/form-data\s*;/i.test(type)) {
    const request = await readJson(c, ProxyRequest);
    if (declaredFiles(request).length > 0) {
      throw new CompanionError('invalid_request', 'a request with files is sent as multipart/form-data');
    }
    return { request, files: new Map() };
  }
  try {
    return await readMultipart(bodyStream(c), type, limits);
  } catch (error) {
    limits.reservation.release();
    throw error;
  }
}

/**
 * The request's body as a Node stream: node:http's own when there is a socket.
 * Through `c.req.raw.body`, Node 20's Readable.toWeb would copy every chunk
 * ("to detach it from the pool"): a second 20 MB of garbage per 20 MB upload,
 * and about a millisecond of CPU per MB. Requests made with app.request() (the
 * tests) have only the web stream.
 * @throws CompanionError invalid_request for a request without a body
 */
function bodyStream(c: Context): Readable {
  const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
  if (incoming) return incoming;
  const body = c.req.raw.body;
  if (!body) throw new CompanionError('invalid_request', 'the multipart body is empty');
  return Readable.fromWeb(body as NodeReadableStream<Uint8Array>);
}

function readMultipart(source: Readable, contentType: string, limits: UploadLimits): Promise<ProxyInput> {
  return new Promise((resolve, reject) => {
    let request: ProxyRequest | undefined;
    let checked: Promise<void> = Promise.resolve();
    const expected = new Map<string, { size: number; md5?: string | undefined }>();
    const files = new Map<string, ReceivedFile>();
    const reading = new Set<string>();
    let settled = false;
    /** Set while a refused body is read to its end: stops that reading and answers at once. */
    let stopDraining: (() => void) | undefined;

    const fail = (error: unknown, { drain = true } = {}) => {
      if (settled) return;
      settled = true;
      // Nothing more is parsed or kept, but the rest of the body is read and dropped before the
      // answer: answered mid-body, the connection closes with the body unread and is reset, and a
      // client that sends its whole body before reading (fetch, browsers) fails with "write EPIPE"
      // instead of seeing the 503 or 413 (upload-memory.test.ts); destroying node:http's stream would
      // destroy the socket outright. What is read is bounded by the upload body limit and Node's
      // request deadline.
      source.unpipe();
      // The files read so far are dropped now, and their part of the budget with them.
      files.clear();
      limits.reservation.release();
      // Still answered with Connection: close, as documented; with nothing left unread, the close is a
      // clean one, not a reset.
      const answer = () => reject(withConnectionClose(error));
      // A body past the limit is not read on: it has no end we know of.
      if (!drain || source.readableEnded || source.destroyed) return answer();
      stopDraining = () => {
        source.pause();
        answer();
      };
      source.resume();
      source.once('end', answer);
      source.once('close', answer);
    };
    const finishIfDone = () => {
      if (settled || !parserDone || reading.size > 0) return;
      if (!request) return fail(new CompanionError('invalid_request', 'the multipart body has no "request" part'));
      const missing = [...expected.keys()].filter((name) => !files.has(name));
      if (missing.length > 0) {
        return fail(new CompanionError('invalid_request', `no part holds the bytes of ${missing.join(', ')}`));
      }
      settled = true;
      resolve({ request, files });
    };
    let parserDone = false;

    let parser: ReturnType<typeof Busboy>;
    try {
      parser = Busboy({
        headers: { 'content-type': contentType },
        // Every part but the request's is a file, whatever its headers say.
        isPartAFile: (name) => name !== 'request',
        limits: {
          fieldNameSize: 64,
          fieldSize: limits.maxRequestPartBytes,
          fields: 1,
          files: 51,
          parts: 52,
          fileSize: limits.maxUploadBytes + 1,
          headerPairs: 10,
        },
      });
    } catch {
      return reject(new CompanionError('invalid_request', 'the multipart/form-data content type has no boundary'));
    }

    parser.on('field', (name, value, _nameTruncated, valueTruncated) => {
      if (settled) return;
      if (valueTruncated) {
        return fail(
          tooLarge(`the "request" part is larger than ${limits.maxRequestPartBytes} bytes`, limits.maxRequestPartBytes),
        );
      }
      if (name !== 'request' || request)
        return fail(new CompanionError('invalid_request', 'one "request" part, first'));
      try {
        request = validated(parseJson(value), ProxyRequest);
        const declared = declaredFiles(request);
        const total = declared.reduce((sum, file) => sum + file.size, 0);
        if (total > limits.maxUploadBytes) {
          return fail(
            tooLarge(`the files hold ${total} bytes; the limit is ${limits.maxUploadBytes}`, limits.maxUploadBytes),
          );
        }
        for (const file of declared) expected.set(file.file, file);
        limits.reservation.ensure(total);
        checked = limits.checkRequest?.(request) ?? Promise.resolve();
        checked.catch(fail);
      } catch (error) {
        fail(error);
      }
    });

    parser.on('file', (name, stream) => {
      if (settled) return void stream.resume();
      const declared = expected.get(name);
      if (!request) return fail(new CompanionError('invalid_request', 'the "request" part comes before the files'));
      if (!declared || files.has(name) || reading.has(name)) {
        return fail(
          new CompanionError('invalid_request', `part "${name}" is not a file this request declares, or comes twice`),
        );
      }
      reading.add(name);
      // Until the request is known to be sendable, the file waits unread (the socket's flow control holds it).
      checked
        .then(() => receiveFile(name, stream, declared))
        .then((file) => {
          reading.delete(name);
          files.set(name, file);
          finishIfDone();
        }, fail);
    });

    refuseSkippedParts(parser, () =>
      fail(new CompanionError('invalid_request', 'each part needs Content-Disposition: form-data with a name')),
    );
    parser.on('partsLimit', () => fail(new CompanionError('invalid_request', 'too many parts')));
    parser.on('filesLimit', () => fail(new CompanionError('invalid_request', 'too many files')));
    parser.on('fieldsLimit', () => fail(new CompanionError('invalid_request', 'one "request" part, first')));
    parser.on('error', (error) =>
      fail(new CompanionError('invalid_request', `the multipart body is malformed: ${(error as Error).message}`)),
    );
    parser.on('finish', () => {
      parserDone = true;
      finishIfDone();
    });
    // The body limit of a body sent without a Content-Length (body-limits.ts checked any declared one).
    const maxBodyBytes = uploadBodyLimitBytes(limits.maxUploadBytes);
    let bodyBytes = 0;
    source.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.byteLength;
      if (bodyBytes <= maxBodyBytes) return;
      if (stopDraining) stopDraining();
      else fail(bodyTooLarge(limits.maxUploadBytes), { drain: false });
    });
    source.on('error', fail);
    source.pipe(parser);
  });
}

/**
 * Reads one file part, checking it against what was declared. Its size is
 * known, within the limit and reserved before a byte arrives, so the bytes are
 * copied into one buffer of that size as they come: the network's chunks are
 * garbage at once, nothing is joined at the end, and the buffer is sent as it
 * is. (A Blob per chunk, tried first, and `Blob.stream()` copying every piece
 * again on the way out, took a sixth of the companion's CPU per upload:
 * docs/benchmarks.md, "Uploads".)
 */
function receiveFile(
  name: string,
  stream: BusboyFileStream,
  declared: { size: number; md5?: string | undefined },
): Promise<ReceivedFile> {
  return new Promise((resolve, reject) => {
    // Not from the pool (allocUnsafe's, for small sizes): a small file must not hold on to its neighbours.
    // Uninitialized, but never read past `received`, and never sent unless all of it was written.
    const bytes = Buffer.allocUnsafeSlow(declared.size);
    let received = 0;
    stream.on('data', (chunk: Buffer) => {
      if (received + chunk.byteLength > declared.size) {
        stream.removeAllListeners('data');
        stream.resume();
        return reject(mismatch(`part "${name}" holds more than the ${declared.size} bytes declared`));
      }
      bytes.set(chunk, received);
      received += chunk.byteLength;
    });
    stream.on('error', reject);
    stream.on('end', () => {
      if (received !== declared.size) {
        return reject(mismatch(`part "${name}" holds ${received} bytes, not the ${declared.size} declared`));
      }
      if (declared.md5 === undefined) return resolve({ bytes });
      // Hashed only when an MD5 was declared (Content-MD5 is checked where it is read): MD5 ran at
      // 150-520 MB/s on this project's machines, a seventh of the companion's CPU per upload (bench:upload).
      const md5 = createHash('md5').update(bytes).digest('hex');
      if (declared.md5.toLowerCase() !== md5) {
        return reject(mismatch(`the MD5 of part "${name}" is ${md5}, not the ${declared.md5.toLowerCase()} declared`));
      }
      resolve({ bytes, md5 });
    });
  });
}

/**
 * Refuses a part that Busboy would skip: one without `Content-Disposition:
 * form-data` (RFC 7578 section 4.2 asks it of every part). Busboy drops such a
 * part unread, and when more than 16 KiB of it come in one chunk with the
 * closing boundary it never finishes (its skipPart leaves the part's stream in
 * sync mode, so the bytes are buffered and the parser waits on a read that never
 * comes): the request would wait forever, holding its files' share of the
 * answer budget. Busboy has no event for a skipped part, so its part parser's
 * own are watched: a part Busboy reads has a `data` listener once its headers
 * are in. Found by tests/fuzz/companion-routes.fuzz.test.ts.
 */
function refuseSkippedParts(parser: ReturnType<typeof Busboy>, refuse: () => void): void {
  const parts = (parser as unknown as { _parser?: { parser?: EventEmitter } })._parser?.parser;
  parts?.on('part', (part: EventEmitter) => {
    part.once('header', () => {
      if (part.listenerCount('data') === 0) refuse();
    });
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CompanionError('malformed_json', 'the "request" part is not valid JSON');
  }
}

function mismatch(message: string): CompanionError {
  return new CompanionError('upload_mismatch', `${message}: nothing was sent`);
}

function tooLarge(message: string, limitBytes: number): CompanionError {
  return new CompanionError('body_too_large', message, undefined, undefined, { limitBytes });
}

/** The same error, answered with Connection: close (the body was not read to its end). */
function withConnectionClose(error: unknown): unknown {
  if (!(error instanceof CompanionError)) return error;
  return new CompanionError(
    error.code,
    error.message,
    error.issues,
    { ...error.headers, connection: 'close' },
    error.members,
  );
}
