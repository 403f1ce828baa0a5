import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { Busboy } from '@fastify/busboy';

/** What the stub answers (200, JSON) about the file it received: the first file part, or the raw body. */
export interface StubReceipt {
  /** The part's name (`body` for a raw body). */
  readonly name: string;
  readonly bytes: number;
  /** SHA-256 of the bytes, hex. */
  readonly sha256: string;
}

/**
 * A provider's upload endpoint, for the upload memory test and bench:upload:
 * takes any POST, multipart/form-data (its first file part hashed as it
 * streams in, as a provider would parse it) or a raw body (hashed whole),
 * and answers `StubReceipt` as JSON. Requests that are not OAuth-signed get
 * 401: verifying signatures is the dev provider's job, not this stub's.
 * With `?pace=<bytes per second>` it reads no faster than that, as a distant
 * provider would, so that an upload stays in flight long enough to watch.
 */
export function uploadStubHandler(): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const answer = (status: number, body: object) => {
      const text = JSON.stringify(body);
      response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      response.end(text);
    };
    if (!(request.headers.authorization ?? '').startsWith('OAuth ')) {
      request.resume();
      return answer(401, { error: 'not signed' });
    }
    const pace = Number(new URL(request.url ?? '/', 'http://stub').searchParams.get('pace'));
    const source = pace > 0 ? Readable.from(paced(request, pace)) : request;
    const type = request.headers['content-type'] ?? '';
    if (!type.startsWith('multipart/form-data')) {
      return void hashed(source).then(
        (digest) => answer(200, { name: 'body', ...digest } satisfies StubReceipt),
        (error: Error) => answer(400, { error: error.message }),
      );
    }
    let receipt: Promise<StubReceipt> | undefined;
    const parser = Busboy({ headers: { 'content-type': type }, limits: { fileSize: Number.POSITIVE_INFINITY } });
    parser.on('file', (name, stream) => {
      if (receipt) return void stream.resume();
      receipt = hashed(stream).then((digest) => ({ name, ...digest }));
    });
    parser.on('error', (error: Error) => answer(400, { error: error.message }));
    parser.on('finish', () => {
      if (!receipt) return answer(400, { error: 'no file part' });
      receipt.then(
        (received) => answer(200, received),
        (error: Error) => answer(400, { error: error.message }),
      );
    });
    source.pipe(parser);
  };
}

async function hashed(source: AsyncIterable<Buffer>): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of source) {
    hash.update(chunk);
    bytes += chunk.byteLength;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** The source's chunks, no faster than `bytesPerSecond` on average (the socket's flow control holds the rest). */
async function* paced(source: AsyncIterable<Buffer>, bytesPerSecond: number): AsyncGenerator<Buffer> {
  const started = performance.now();
  let bytes = 0;
  for await (const chunk of source) {
    bytes += chunk.byteLength;
    const early = started + (bytes / bytesPerSecond) * 1000 - performance.now();
    if (early > 1) await new Promise((resolve) => setTimeout(resolve, early));
    yield chunk;
  }
}
