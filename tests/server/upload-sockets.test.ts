/**
 * Uploads over a real socket, where the companion reads node:http's own
 * stream (app.request() has only a web stream): a body sent without a
 * Content-Length (chunked) is read as it streams and counted against the
 * upload body limit, never buffered whole first; and a refused upload is
 * answered once the rest of its body has been read and dropped. (The reset a
 * client saw when the companion answered mid-body shows only with the
 * companion as its own process: upload-memory.test.ts.)
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { listen } from '../../server/listen';
import { AnswerBudget } from '../../server/upstream/answer-budget';
import { DEV_ORIGIN, type HarnessOptions, makeHarness, PUBLIC_URL } from '../support/companion-harness';
import { freePort } from '../support/free-port';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
/** The size of each piece of a streamed body. */
const PIECE = 64 * 1024;

let server: Awaited<ReturnType<typeof listen>> | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

/** The companion's app on a real socket, and an account of the default install. */
async function served(options: HarnessOptions = {}) {
  const h = await makeHarness(options);
  const port = await freePort();
  server = await listen(h.app.fetch, {
    who: 'the companion',
    port,
    host: '127.0.0.1',
    portVariable: 'PORT',
    hostVariable: 'HOST',
  });
  const account = await h.connect('1001');
  return { h, port, path: `/v1/accounts/${account.id}/requests` };
}

/** The companion's multipart request, encoded: the JSON as `request`, then the file as `f0`. */
async function uploadBody(request: object, file: Uint8Array, preamble = '') {
  const form = new FormData();
  form.append('request', JSON.stringify(request));
  form.append('f0', new Blob([new Uint8Array(file)]), 'f0');
  const encoded = new Response(form);
  return {
    contentType: encoded.headers.get('content-type') as string,
    bytes: Buffer.concat([Buffer.from(preamble), Buffer.from(await encoded.arrayBuffer())]),
  };
}

const imageRequest = (size: number) => ({
  method: 'POST',
  url: `${DEV_ORIGIN}/2/media/upload`,
  multipart: [
    { name: 'media', filename: 'photo.png', contentType: 'image/png', file: 'f0', size },
    { name: 'media_category', value: 'tweet_image' },
  ],
});

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly json: Record<string, unknown>;
}

/**
 * POSTs `bytes` with fetch, as the extension's background does, with a
 * Content-Length or streamed in pieces (chunked). fetch writes the whole body
 * before it gives the answer, and fails ("write EPIPE") if the connection is
 * reset while it writes.
 */
async function post(
  port: number,
  path: string,
  headers: Record<string, string>,
  bytes: Buffer,
  framing: 'content-length' | 'chunked',
): Promise<Answer> {
  let offset = 0;
  const chunked = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close();
      controller.enqueue(new Uint8Array(bytes.subarray(offset, offset + PIECE)));
      offset += PIECE;
    },
  });
  const init = {
    method: 'POST',
    headers,
    body: framing === 'content-length' ? new Uint8Array(bytes) : chunked,
    duplex: 'half',
  };
  const response = await fetch(`http://127.0.0.1:${port}${path}`, init as RequestInit);
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as Record<string, unknown>,
  };
}

describe('uploads over a real socket', () => {
  it('a body without a Content-Length (chunked) arrives whole', async () => {
    const { h, port, path } = await served();
    const image = randomBytes(1_500_000);
    const body = await uploadBody(imageRequest(image.length), image);
    const proof = await h.install.proof('POST', `${PUBLIC_URL}${path}`, { iat: Math.floor(h.clock.now / 1000) });
    const answer = await post(port, path, { dpop: proof, 'content-type': body.contentType }, body.bytes, 'chunked');
    expect(answer.status).toBe(200);
    expect(answer.json.status).toBe(200);
    const id = (JSON.parse(answer.json.body as string) as { data: { id: string } }).data.id;
    expect(sha256(h.dev.state.media.get(id)?.bytes as Uint8Array)).toBe(sha256(image));
  });

  it('a chunked body past the upload body limit is refused with 413, without being read whole first', async () => {
    const { h, port, path } = await served({ maxUploadBytes: 100_000 });
    const image = randomBytes(50_000);
    // 1 MB before the first boundary: multipart's preamble, which parsers skip, and which no part declares.
    const body = await uploadBody(imageRequest(image.length), image, 'x'.repeat(1024 * 1024));
    const proof = await h.install.proof('POST', `${PUBLIC_URL}${path}`, { iat: Math.floor(h.clock.now / 1000) });
    const answer = await post(port, path, { dpop: proof, 'content-type': body.contentType }, body.bytes, 'chunked');
    expect(answer.status).toBe(413);
    expect(answer.json).toMatchObject({ code: 'body_too_large', limitBytes: 100_000 });
    expect(answer.headers.get('connection')).toBe('close');
    expect(h.dev.state.media.size).toBe(0);
  });

  it('a refused upload is answered after the rest of its body, with nothing kept', async () => {
    // A budget that holds no 20 MB file: refused as soon as the request part is read. 20 MB is more than
    // loopback's socket buffers take, so the client is still writing when the refusal is decided.
    const { h, port, path } = await served({ answerBudget: new AnswerBudget(64 * 1024, 64 * 1024) });
    const image = randomBytes(20 * 1024 * 1024);
    const body = await uploadBody(imageRequest(image.length), image);
    const proof = await h.install.proof('POST', `${PUBLIC_URL}${path}`, { iat: Math.floor(h.clock.now / 1000) });
    const answer = await post(
      port,
      path,
      { dpop: proof, 'content-type': body.contentType },
      body.bytes,
      'content-length',
    );
    expect(answer.status).toBe(503);
    expect(answer.json.code).toBe('companion_busy');
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(answer.headers.get('connection')).toBe('close');
    expect(h.context.upstream.answerBudget.inUse).toBe(0);
    expect(h.dev.state.media.size).toBe(0);
  });
});

describe('JSON bodies over a real socket (read straight from node:http, never through a web stream)', () => {
  const flowBody = (padding: number) => Buffer.from(JSON.stringify({ provider: 'dev', padding: 'x'.repeat(padding) }));
  /** POST /v1/flows with `body` as JSON, proved by the harness's install. */
  async function postFlow(
    h: Awaited<ReturnType<typeof served>>['h'],
    port: number,
    body: Buffer,
    framing: 'content-length' | 'chunked',
  ) {
    const proof = await h.install.proof('POST', `${PUBLIC_URL}/v1/flows`, { iat: Math.floor(h.clock.now / 1000) });
    return post(port, '/v1/flows', { dpop: proof, 'content-type': 'application/json' }, body, framing);
  }

  it('a body within the limit is read whole, with a Content-Length or chunked', async () => {
    const { h, port } = await served();
    for (const framing of ['content-length', 'chunked'] as const) {
      // An unknown member: the body was read and parsed whole, then refused by the schema.
      const answer = await postFlow(h, port, flowBody(200_000), framing);
      expect(answer.status, framing).toBe(400);
      expect(answer.json.code, framing).toBe('invalid_request');
    }
    const created = await postFlow(h, port, Buffer.from('{"provider":"dev"}'), 'content-length');
    expect(created.status).toBe(201);
  });

  it('a body past 256 KiB is refused with 413, by its Content-Length or as it streams', async () => {
    const { h, port } = await served();
    for (const framing of ['content-length', 'chunked'] as const) {
      const answer = await postFlow(h, port, flowBody(300_000), framing);
      expect(answer.status, framing).toBe(413);
      expect(answer.json, framing).toMatchObject({ code: 'body_too_large', limitBytes: 256 * 1024 });
    }
  });
});
