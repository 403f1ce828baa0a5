import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Runtime } from 'webextension-polyfill';
import { readActivity } from '../../../lib/activity/activity-log';
import { companionRequest } from '../../../lib/consent/companion-request';
import { signedActionHandlers } from '../../../lib/consent/signed-action';
import { parseSignedActionRequest } from '../../../lib/messaging/content-params';
import type { SignedActionRequest, SignedActionResult } from '../../../lib/messaging/content-protocol';
import type { MessageError } from '../../../lib/messaging/result';
import type { ProxyRequest, ProxyResponse } from '../../../lib/protocol';
import { fileReaderOf } from '../../support/file-reader';
import { ALICE, bytesOf, SENDER, sha256, signedActionWorld } from '../../support/signed-action-world';

// The browser's messaging is the boundary: behind it, a background that answers as X would.
const sendMessage = vi.fn<(message: unknown) => Promise<unknown>>();
vi.mock('webextension-polyfill', () => ({ default: { runtime: { id: 'our-extension-id', sendMessage } } }));

const { contentMessageListener } = await import('../../../lib/messaging/content-channel');
const { uploadXMedia, X_IMAGE_MAX_BYTES } = await import('../../../lib/content/x-media');

const API = 'https://api.x.com/2/';
const UPLOAD = 'https://api.x.com/2/media/upload';
const MiB = 1024 * 1024;
const MAX_POLLS = 60;

type Processing = { state: string; check_after_secs?: number };

interface FakeXOptions {
  /** processing_info of finalize's answer, then of each STATUS answer in turn (none: no processing). */
  readonly processing?: readonly Processing[];
  /** X's own answer to a step, instead of the usual one (a 400, say). */
  readonly answer?: (path: string, input: ProxyRequest) => ProxyResponse | undefined;
}

/**
 * X API v2's media upload as the companion reaches it: the one-shot upload,
 * initialize / append / finalize / STATUS, and POST /2/tweets, answered as
 * X's pages describe (https://docs.x.com/x-api/media/…). It keeps what it
 * received, so a test can check every byte.
 */
function fakeX(options: FakeXOptions = {}) {
  const processing = [...(options.processing ?? [])];
  const media = new Map<string, { type: string; category: string; total: number; segments: Map<number, Blob> }>();
  const oneShot: { id: string; category: string; file: Blob; filename: string; contentType: string }[] = [];
  const posts: unknown[] = [];
  let ids = 1_880_028_106_020_515_840n;
  const json = (status: number, body: unknown): ProxyResponse => ({
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    bodyEncoding: 'utf8',
  });
  const fields = (input: ProxyRequest, files: ReadonlyMap<string, Blob>) => {
    const text = new Map<string, string>();
    const file = new Map<string, { blob: Blob; filename: string; contentType: string }>();
    for (const field of input.multipart ?? []) {
      if ('value' in field) text.set(field.name, field.value);
      else file.set(field.name, { blob: files.get(field.file) as Blob, ...field });
    }
    return { text, file };
  };

  async function answer(input: ProxyRequest, files: ReadonlyMap<string, Blob>): Promise<ProxyResponse> {
    const url = new URL(input.url);
    for (const [name, value] of input.query ?? []) url.searchParams.append(name, value);
    const path = url.pathname;
    const own = options.answer?.(path, input);
    if (own) return own;
    const id = /^\/2\/media\/upload\/(\d+)\/(append|finalize)$/.exec(path);
    if (input.method === 'POST' && path === '/2/media/upload') {
      const { text, file } = fields(input, files);
      const upload = file.get('media');
      if (!upload) return json(400, { title: 'Invalid Request', detail: 'The media field is required.' });
      const mediaId = String(ids++);
      oneShot.push({
        id: mediaId,
        category: text.get('media_category') ?? '',
        file: upload.blob,
        filename: upload.filename,
        contentType: upload.contentType,
      });
      return json(200, { data: { id: mediaId, media_key: `3_${mediaId}`, size: upload.blob.size } });
    }
    if (input.method === 'POST' && path === '/2/media/upload/initialize') {
      const body = input.json as { media_type: string; total_bytes: number; media_category: string };
      const mediaId = String(ids++);
      media.set(mediaId, {
        type: body.media_type,
        category: body.media_category,
        total: body.total_bytes,
        segments: new Map(),
      });
      return json(200, { data: { id: mediaId, media_key: `3_${mediaId}`, expires_after_secs: 86_400 } });
    }
    if (input.method === 'POST' && id?.[2] === 'append') {
      const { text, file } = fields(input, files);
      media.get(id[1] as string)?.segments.set(Number(text.get('segment_index')), file.get('media')?.blob as Blob);
      return json(200, { data: { expires_at: 1_700_086_400 } });
    }
    if (input.method === 'POST' && id?.[2] === 'finalize') {
      const info = processing.shift();
      return json(200, { data: { id: id[1], ...(info ? { processing_info: info } : {}) } });
    }
    if (input.method === 'GET' && path === '/2/media/upload' && url.searchParams.get('command') === 'STATUS') {
      const info = processing.shift() ?? { state: 'succeeded' };
      return json(200, { data: { id: url.searchParams.get('media_id'), processing_info: info } });
    }
    if (input.method === 'POST' && path === '/2/tweets') {
      posts.push(input.json);
      return json(201, { data: { id: String(ids++), text: (input.json as { text: string }).text } });
    }
    return json(404, { title: 'Not Found Error', detail: `no route ${input.method} ${path}` });
  }

  /** The bytes X holds for a chunked media: its segments in index order. */
  async function uploaded(mediaId: string): Promise<{ indexes: number[]; sizes: number[]; bytes: Uint8Array }> {
    const segments = media.get(mediaId)?.segments ?? new Map<number, Blob>();
    const indexes = [...segments.keys()].sort((a, b) => a - b);
    const blobs = indexes.map((i) => segments.get(i) as Blob);
    return { indexes, sizes: blobs.map((b) => b.size), bytes: await bytesOf(new Blob(blobs)) };
  }

  return { answer, media, oneShot, posts, uploaded };
}

const ACCOUNT = { id: ALICE.id, provider: 'x', screenName: 'alice' };

/** Every message the content script sent, as the background parsed it. */
let sent: SignedActionRequest[];

/**
 * A background that checks each message as the real one does (after Chrome's
 * JSON messaging), passes it to X as the companion would, and answers with
 * the account; `refuse` makes it refuse a message instead (a no, a sequence that ended).
 */
function backgroundFor(
  x: ReturnType<typeof fakeX>,
  refuse?: (request: SignedActionRequest) => MessageError | undefined,
) {
  sendMessage.mockImplementation(async (message) => {
    const request = parseSignedActionRequest((JSON.parse(JSON.stringify(message)) as { params: unknown }).params);
    sent.push(request);
    const refused = refuse?.(request);
    if (refused) return { ok: false, error: refused };
    const { input, files } = companionRequest(request);
    const value: SignedActionResult = {
      ...(await x.answer(input, files)),
      account: ACCOUNT,
      ...(request.sequence ? { sequence: 'seq-1' } : {}),
    };
    return { ok: true, value };
  });
}

const urls = () => sent.map((r) => `${r.method} ${r.url}`);
const textFields = (request: SignedActionRequest | undefined) =>
  (request?.multipart ?? []).flatMap((f) => ('value' in f ? [[f.name, f.value]] : []));
const fileOf = (request: SignedActionRequest | undefined) =>
  (request?.multipart ?? []).flatMap((f) => ('file' in f ? [f.file] : []))[0];
const noSleep = () => vi.fn(async (_ms: number) => undefined);

beforeEach(() => {
  vi.stubGlobal('FileReader', fileReaderOf('chromium'));
  sent = [];
  sendMessage.mockReset();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('uploadXMedia: images up to 5 MB in one request', () => {
  it('sends a small PNG as multipart media and media_category, and answers its media id', async () => {
    const x = fakeX();
    backgroundFor(x);
    const png = randomBytes(300_000);
    const result = await uploadXMedia(new File([png], 'harbour.png', { type: 'image/png' }));
    expect(result).toEqual({ ok: true, value: { mediaId: x.oneShot[0]?.id, account: ACCOUNT } });
    expect(urls()).toEqual([`POST ${UPLOAD}`]);
    expect(sent[0]).toMatchObject({ provider: 'x' });
    expect(sent[0]).not.toHaveProperty('sequence');
    expect(textFields(sent[0])).toEqual([['media_category', 'tweet_image']]);
    expect(x.oneShot[0]).toMatchObject({ category: 'tweet_image', filename: 'harbour.png', contentType: 'image/png' });
    expect(sha256(await bytesOf(x.oneShot[0]?.file as Blob))).toBe(sha256(png));
  });

  it('with thenRequests, asks for a sequence over the API base and hands its id back', async () => {
    backgroundFor(fakeX());
    const result = await uploadXMedia(new Blob([randomBytes(100)], { type: 'image/jpeg' }), {
      thenRequests: 1,
      accountId: ALICE.id,
    });
    expect(sent[0]).toMatchObject({ accountId: ALICE.id, sequence: { under: API, requests: 1 } });
    expect(fileOf(sent[0])).toMatchObject({ filename: 'blob', contentType: 'image/jpeg' });
    expect(result).toMatchObject({ ok: true, value: { sequence: 'seq-1' } });
  });

  it('takes an image of exactly 5 MB in one request, and one byte more in chunks', async () => {
    backgroundFor(fakeX());
    await uploadXMedia(new Blob([new Uint8Array(X_IMAGE_MAX_BYTES)], { type: 'image/png' }));
    expect(urls()).toEqual([`POST ${UPLOAD}`]);
    sent = [];
    const sleep = noSleep();
    const result = await uploadXMedia(new Blob([new Uint8Array(X_IMAGE_MAX_BYTES + 1)], { type: 'image/png' }), {
      sleep,
    });
    expect(result.ok).toBe(true);
    // An image needs no processing: finalize answers without processing_info, and nothing is polled.
    expect(urls().at(-1)).toMatch(/finalize$/);
    expect(sent[0]?.json).toEqual({
      media_type: 'image/png',
      total_bytes: X_IMAGE_MAX_BYTES + 1,
      media_category: 'tweet_image',
    });
    expect(sleep).not.toHaveBeenCalled();
  });

  it('sends a GIF in chunks, as tweet_gif', async () => {
    backgroundFor(fakeX({ processing: [{ state: 'pending', check_after_secs: 1 }] }));
    await uploadXMedia(new Blob([randomBytes(1000)], { type: 'image/gif' }), { sleep: noSleep() });
    expect(sent[0]?.json).toMatchObject({ media_type: 'image/gif', media_category: 'tweet_gif' });
  });
});

describe('uploadXMedia: chunked', () => {
  it('initializes, appends 4 MiB chunks with segment indexes from 0, finalizes, and polls STATUS until succeeded', async () => {
    const x = fakeX({
      processing: [
        { state: 'pending', check_after_secs: 1 },
        { state: 'in_progress', check_after_secs: 5 },
        { state: 'succeeded' },
      ],
    });
    backgroundFor(x);
    const video = randomBytes(8 * MiB + 1000);
    const sleep = noSleep();
    const result = await uploadXMedia(new File([video], 'clip.mp4', { type: 'video/mp4' }), { sleep });

    const mediaId = [...x.media.keys()][0] as string;
    expect(result).toEqual({ ok: true, value: { mediaId, account: ACCOUNT } });
    expect(urls()).toEqual([
      `POST ${UPLOAD}/initialize`,
      `POST ${UPLOAD}/${mediaId}/append`,
      `POST ${UPLOAD}/${mediaId}/append`,
      `POST ${UPLOAD}/${mediaId}/append`,
      `POST ${UPLOAD}/${mediaId}/finalize`,
      `GET ${UPLOAD}`,
      `GET ${UPLOAD}`,
    ]);
    // One question covers it all: the steps the upload needs, and the file the user is shown.
    expect(sent[0]).toMatchObject({
      json: { media_type: 'video/mp4', total_bytes: video.length, media_category: 'tweet_video' },
      sequence: {
        under: UPLOAD,
        requests: 3 + 1 + MAX_POLLS,
        files: [{ filename: 'clip.mp4', contentType: 'video/mp4', size: video.length }],
      },
    });
    for (const step of sent.slice(1)) expect(step).toMatchObject({ inSequence: 'seq-1', accountId: ALICE.id });
    expect(sent.slice(1, 4).map(textFields)).toEqual([
      [['segment_index', '0']],
      [['segment_index', '1']],
      [['segment_index', '2']],
    ]);
    expect(sent.slice(1, 4).map((r) => fileOf(r)?.contentType)).toEqual(Array(3).fill('application/octet-stream'));
    const { indexes, sizes, bytes } = await x.uploaded(mediaId);
    expect(indexes).toEqual([0, 1, 2]);
    expect(sizes).toEqual([4 * MiB, 4 * MiB, 1000]);
    expect(sha256(bytes)).toBe(sha256(video));
    expect(sent.slice(5).map((r) => r.query)).toEqual([
      [
        ['command', 'STATUS'],
        ['media_id', mediaId],
      ],
      [
        ['command', 'STATUS'],
        ['media_id', mediaId],
      ],
    ]);
    // Waits what X said between polls.
    expect(sleep.mock.calls).toEqual([[1000], [5000]]);
  });

  it('cuts chunks of the size asked for, the last one shorter', async () => {
    const x = fakeX();
    backgroundFor(x);
    await uploadXMedia(new Blob([randomBytes(10)], { type: 'video/mp4' }), { chunkBytes: 4, sleep: noSleep() });
    expect((await x.uploaded([...x.media.keys()][0] as string)).sizes).toEqual([4, 4, 2]);
    expect(sent[0]?.sequence?.requests).toBe(3 + 1 + MAX_POLLS);
  });

  it('with thenRequests, widens the sequence to the API base by that many requests and hands its id back', async () => {
    backgroundFor(fakeX());
    const result = await uploadXMedia(new Blob([randomBytes(10)], { type: 'video/mp4' }), {
      thenRequests: 2,
      sleep: noSleep(),
    });
    expect(sent[0]?.sequence).toMatchObject({ under: API, requests: 1 + 1 + MAX_POLLS + 2 });
    expect(result).toMatchObject({ ok: true, value: { sequence: 'seq-1' } });
  });

  it('keeps X’s waits between 1 and 30 seconds', async () => {
    backgroundFor(
      fakeX({
        processing: [
          { state: 'pending', check_after_secs: 0 },
          { state: 'in_progress', check_after_secs: 600 },
          { state: 'in_progress' },
        ],
      }),
    );
    const sleep = noSleep();
    await uploadXMedia(new Blob([randomBytes(10)], { type: 'video/mp4' }), { sleep });
    expect(sleep.mock.calls).toEqual([[1000], [30_000], [1000]]);
  });

  it('answers provider_error when X’s processing fails, and polls no more', async () => {
    backgroundFor(
      fakeX({
        processing: [{ state: 'pending', check_after_secs: 1 }, { state: 'failed' }, { state: 'succeeded' }],
      }),
    );
    const result = await uploadXMedia(new Blob([randomBytes(10)], { type: 'video/mp4' }), { sleep: noSleep() });
    expect(result).toEqual({
      ok: false,
      error: { code: 'provider_error', message: expect.stringContaining('could not process') },
    });
    expect(urls().filter((u) => u === `GET ${UPLOAD}`)).toHaveLength(1);
  });

  it(`polls ${MAX_POLLS} times at most, and takes the last poll’s answer`, async () => {
    const inProgress = Array.from({ length: MAX_POLLS }, () => ({ state: 'in_progress', check_after_secs: 1 }));
    backgroundFor(fakeX({ processing: [...inProgress, { state: 'succeeded' }] }));
    const done = await uploadXMedia(new Blob([randomBytes(10)], { type: 'video/mp4' }), { sleep: noSleep() });
    expect(done.ok).toBe(true);
    expect(urls().filter((u) => u === `GET ${UPLOAD}`)).toHaveLength(MAX_POLLS);

    sent = [];
    backgroundFor(fakeX({ processing: [...inProgress, { state: 'in_progress' }, { state: 'succeeded' }] }));
    const late = await uploadXMedia(new Blob([randomBytes(10)], { type: 'video/mp4' }), { sleep: noSleep() });
    expect(late).toEqual({
      ok: false,
      error: { code: 'provider_error', message: expect.stringContaining('still processing') },
    });
    expect(urls().filter((u) => u === `GET ${UPLOAD}`)).toHaveLength(MAX_POLLS);
  });

  it('passes on a refusal of the last poll, rather than calling it still processing', async () => {
    const inProgress = Array.from({ length: MAX_POLLS }, () => ({ state: 'in_progress', check_after_secs: 1 }));
    let polls = 0;
    const ended = { code: 'sequence_refused', message: 'this step cannot continue the action: it has ended' } as const;
    backgroundFor(fakeX({ processing: inProgress }), (request) =>
      request.method === 'GET' && ++polls === MAX_POLLS ? ended : undefined,
    );
    const result = await uploadXMedia(new Blob([randomBytes(10)], { type: 'video/mp4' }), { sleep: noSleep() });
    expect(result).toEqual({ ok: false, error: ended });
  });

  it('stops at X’s refusal of a chunk, with its detail, and finalizes nothing', async () => {
    backgroundFor(
      fakeX({
        answer: (path) =>
          path.endsWith('/append')
            ? {
                status: 400,
                headers: {},
                body: JSON.stringify({ detail: 'segment_index must be between 0 and 999.' }),
                bodyEncoding: 'utf8',
              }
            : undefined,
      }),
    );
    const result = await uploadXMedia(new Blob([randomBytes(10)], { type: 'video/mp4' }), { chunkBytes: 4 });
    expect(result).toEqual({
      ok: false,
      error: { code: 'provider_error', message: 'X refused (HTTP 400): segment_index must be between 0 and 999.' },
    });
    expect(urls()).toHaveLength(2);
  });

  it('passes the extension’s refusal of a step on as it is', async () => {
    const ended = { code: 'sequence_refused', message: 'this step cannot continue the action' } as const;
    backgroundFor(fakeX(), (request) => (request.url.endsWith('/finalize') ? ended : undefined));
    const result = await uploadXMedia(new Blob([randomBytes(10)], { type: 'video/mp4' }), { sleep: noSleep() });
    expect(result).toEqual({ ok: false, error: ended });
  });

  it('passes the user’s no on, having sent nothing else', async () => {
    const no = { code: 'consent_denied', message: 'the user did not allow this (denied)' } as const;
    backgroundFor(fakeX(), () => no);
    expect(await uploadXMedia(new Blob([randomBytes(10)], { type: 'video/mp4' }))).toEqual({ ok: false, error: no });
    expect(sent).toHaveLength(1);
  });

  it('answers provider_error when initialize gives no media id', async () => {
    backgroundFor(
      fakeX({
        answer: (path) =>
          path.endsWith('/initialize')
            ? { status: 200, headers: {}, body: '{"data":{}}', bodyEncoding: 'utf8' }
            : undefined,
      }),
    );
    expect(await uploadXMedia(new Blob([randomBytes(10)], { type: 'video/mp4' }))).toEqual({
      ok: false,
      error: { code: 'provider_error', message: 'X answered without a media id' },
    });
    expect(sent).toHaveLength(1);
  });

  it('uses the provider id and API base it is given', async () => {
    backgroundFor(fakeX());
    await uploadXMedia(new Blob([randomBytes(10)], { type: 'image/png' }), {
      provider: 'dev',
      apiBase: 'http://127.0.0.1:8788/2/',
    });
    expect(sent[0]).toMatchObject({ provider: 'dev', url: 'http://127.0.0.1:8788/2/media/upload' });
  });
});

describe('uploadXMedia through the real background', () => {
  /** The content channel as the browser runs it: Chrome's JSON messaging, the background's listener, signedActionHandlers. */
  async function throughTheBackground(x: ReturnType<typeof fakeX>) {
    const world = await signedActionWorld({
      answers: [{ decision: 'once' }],
      request: (_accountId, input, files) => x.answer(input, files ?? new Map()),
    });
    const listener = contentMessageListener(
      signedActionHandlers(
        async () => world.deps,
        () => world.deps.ownId,
      ),
    );
    sendMessage.mockImplementation(
      async (message) =>
        listener(JSON.parse(JSON.stringify(message)), SENDER as Runtime.MessageSender) ?? { ok: false, error: {} },
    );
    return world;
  }

  it('a chunked video and the post after it: one question, every byte at X, every step in the log', async () => {
    const x = fakeX({ processing: [{ state: 'pending', check_after_secs: 1 }, { state: 'succeeded' }] });
    const { questions, store } = await throughTheBackground(x);
    const video = randomBytes(2 * MiB + 10);
    const uploaded = await uploadXMedia(new File([video], 'clip.mp4', { type: 'video/mp4' }), {
      chunkBytes: MiB,
      thenRequests: 1,
      sleep: noSleep(),
    });
    expect(uploaded.ok).toBe(true);
    if (!uploaded.ok) return;
    const { requestSignedAction } = await import('../../../lib/messaging/content-channel');
    const posted = await requestSignedAction({
      provider: 'x',
      accountId: uploaded.value.account.id,
      method: 'POST',
      url: `${API}tweets`,
      json: { text: 'hello', media: { media_ids: [uploaded.value.mediaId] } },
      inSequence: uploaded.value.sequence as string,
    });
    expect(posted).toMatchObject({ ok: true, value: { status: 201 } });

    expect(questions).toHaveLength(1);
    expect(questions[0]).toMatchObject({
      url: `${UPLOAD}/initialize`,
      files: [{ filename: 'clip.mp4', contentType: 'video/mp4', size: video.length }],
      sequence: { under: API },
    });
    expect(sha256((await x.uploaded(uploaded.value.mediaId)).bytes)).toBe(sha256(video));
    expect(x.posts).toEqual([{ text: 'hello', media: { media_ids: [uploaded.value.mediaId] } }]);
    const log = (await readActivity(store)).reverse();
    expect(log.map((e) => [new URL(e.url).pathname.replace(/\d{6,}/, ':id'), e.outcome])).toEqual([
      ['/2/media/upload/initialize', { kind: 'sent', status: 200 }],
      ['/2/media/upload/:id/append', { kind: 'sent', status: 200 }],
      ['/2/media/upload/:id/append', { kind: 'sent', status: 200 }],
      ['/2/media/upload/:id/append', { kind: 'sent', status: 200 }],
      ['/2/media/upload/:id/finalize', { kind: 'sent', status: 200 }],
      ['/2/media/upload', { kind: 'sent', status: 200 }],
      ['/2/tweets', { kind: 'sent', status: 201 }],
    ]);
    expect(log.flatMap((e) => e.files ?? []).reduce((sum, f) => sum + f.size, 0)).toBe(video.length);
  });

  it('a photo in one request: one question with its preview, the exact bytes at X', async () => {
    const x = fakeX();
    const { questions } = await throughTheBackground(x);
    const png = randomBytes(50_000);
    const uploaded = await uploadXMedia(new File([png], 'harbour.png', { type: 'image/png' }));
    expect(uploaded).toMatchObject({ ok: true, value: { mediaId: x.oneShot[0]?.id, account: ACCOUNT } });
    expect(questions).toHaveLength(1);
    expect(questions[0]?.files).toEqual([
      { filename: 'harbour.png', contentType: 'image/png', size: png.length, preview: expect.any(Blob) },
    ]);
    expect(sha256(await bytesOf(x.oneShot[0]?.file as Blob))).toBe(sha256(png));
  });
});
