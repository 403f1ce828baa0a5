import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readActivity } from '../../../lib/activity/activity-log';
import { SEQUENCE_LIFETIME_MS } from '../../../lib/consent/action-sequences';
import { grantSiteConsent } from '../../../lib/consent/site-consents';
import type { MultipartField, ProxyRequest } from '../../../lib/protocol';
import {
  ALICE,
  BOB,
  bytesOf,
  codeOf,
  handleSignedAction,
  SENDER,
  SITE,
  sha256,
  signedActionWorld,
  wireFile,
} from '../../support/signed-action-world';

const UPLOAD = 'https://api.x.com/2/media/upload';
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

/** A photo upload as the content channel carries it: X's one-shot multipart. */
function photoUpload(photo: Uint8Array, extra: object = {}) {
  return {
    provider: 'x',
    method: 'POST',
    url: UPLOAD,
    multipart: [
      { name: 'media', file: wireFile(photo, { filename: 'harbour.png', contentType: 'image/png', md5: md5(photo) }) },
      { name: 'media_category', value: 'tweet_image' },
    ],
    ...extra,
  };
}

/** The file parts the companion client was given: each declared field with its Blob. */
function declaredFiles(input: ProxyRequest, files: ReadonlyMap<string, Blob> | undefined) {
  const fields = (input.multipart ?? []).filter((f): f is Extract<MultipartField, { file: string }> => 'file' in f);
  return fields.map((field) => ({ field, blob: files?.get(field.file) }));
}

describe('performSignedAction with files', () => {
  it('a photo: asked about with its preview, sent as multipart of the same bytes, logged without them', async () => {
    const { deps, questions, request, store } = await signedActionWorld({ answers: [{ decision: 'once' }] });
    const photo = randomBytes(300_000);
    const result = await handleSignedAction(deps, SENDER, photoUpload(photo));
    expect(result).toMatchObject({ status: 200, account: { id: ALICE.id } });

    // The user saw the file, its size and the image itself.
    expect(questions).toHaveLength(1);
    const shown = questions[0]?.files ?? [];
    expect(shown).toEqual([
      { filename: 'harbour.png', contentType: 'image/png', size: 300_000, preview: expect.any(Blob) },
    ]);
    expect(sha256(await bytesOf(shown[0]?.preview as Blob))).toBe(sha256(photo));
    expect(questions[0]?.form).toEqual([['media_category', 'tweet_image']]);

    // The companion got the request declaring the file, and the file's bytes beside it.
    expect(request).toHaveBeenCalledTimes(1);
    const [accountId, input, files] = request.mock.calls[0] ?? [];
    expect(accountId).toBe(ALICE.id);
    expect(input).toEqual({
      method: 'POST',
      url: UPLOAD,
      multipart: [
        {
          name: 'media',
          filename: 'harbour.png',
          contentType: 'image/png',
          file: 'f0',
          size: 300_000,
          md5: md5(photo),
        },
        { name: 'media_category', value: 'tweet_image' },
      ],
    });
    expect([...(files?.keys() ?? [])]).toEqual(['f0']);
    for (const { field, blob } of declaredFiles(input as ProxyRequest, files)) {
      expect(blob?.size).toBe(field.size);
      expect(sha256(await bytesOf(blob as Blob))).toBe(sha256(photo));
    }

    // The user's log names the file and its size, and holds none of its bytes.
    const [entry] = await readActivity(store);
    expect(entry).toMatchObject({
      origin: SITE,
      method: 'POST',
      url: UPLOAD,
      files: [{ filename: 'harbour.png', contentType: 'image/png', size: 300_000 }],
      outcome: { kind: 'sent', status: 200 },
    });
    expect(Object.keys(entry?.files?.[0] ?? {}).sort()).toEqual(['contentType', 'filename', 'size']);
    const logged = JSON.stringify(entry);
    expect(logged).not.toContain(Buffer.from(photo).toString('base64').slice(0, 40));
    expect(logged.length).toBeLessThan(1000);
  });

  it('numbers the file parts by field, and keeps several files apart', async () => {
    const { deps, request } = await signedActionWorld({ answers: [{ decision: 'once' }] });
    const [a, b] = [randomBytes(10), randomBytes(20)];
    await handleSignedAction(deps, SENDER, {
      provider: 'x',
      method: 'POST',
      url: UPLOAD,
      multipart: [
        { name: 'title', value: 'two files' },
        { name: 'first', file: wireFile(a, { filename: 'a.bin' }) },
        { name: 'second', file: wireFile(b, { filename: 'b.bin' }) },
      ],
    });
    const [, input, files] = request.mock.calls[0] ?? [];
    const parts = declaredFiles(input as ProxyRequest, files);
    expect(parts.map(({ field }) => [field.name, field.file, field.size])).toEqual([
      ['first', 'f1', 10],
      ['second', 'f2', 20],
    ]);
    expect(await bytesOf(parts[0]?.blob as Blob)).toEqual(new Uint8Array(a));
    expect(await bytesOf(parts[1]?.blob as Blob)).toEqual(new Uint8Array(b));
  });

  it('a raw body: declared as the part "raw" with its size, its bytes in that part', async () => {
    const { deps, request, store } = await signedActionWorld({ answers: [{ decision: 'once' }] });
    const bytes = randomBytes(1234);
    await handleSignedAction(deps, SENDER, {
      provider: 'x',
      method: 'PUT',
      url: UPLOAD,
      raw: wireFile(bytes, { contentType: 'video/mp4' }),
      headers: { 'X-Upload-Note': 'one' },
    });
    const [, input, files] = request.mock.calls[0] ?? [];
    expect(input).toEqual({
      method: 'PUT',
      url: UPLOAD,
      raw: { contentType: 'video/mp4', file: 'raw', size: 1234 },
      headers: { 'X-Upload-Note': 'one' },
    });
    expect(await bytesOf(files?.get('raw') as Blob)).toEqual(new Uint8Array(bytes));
    expect((await readActivity(store))[0]?.files).toEqual([{ filename: 'blob', contentType: 'video/mp4', size: 1234 }]);
  });

  it('gives the client no files, and logs none, for a multipart body of text only', async () => {
    const { deps, request, store } = await signedActionWorld({ answers: [{ decision: 'once' }] });
    await handleSignedAction(deps, SENDER, {
      provider: 'x',
      method: 'POST',
      url: UPLOAD,
      multipart: [{ name: 'media_category', value: 'tweet_image' }],
    });
    expect(request.mock.calls[0]).toHaveLength(2);
    expect((await readActivity(store))[0]).not.toHaveProperty('files');
  });

  it('previews images up to 10 MiB only, and never anything but images', async () => {
    const { deps, questions } = await signedActionWorld({
      answers: [{ decision: 'once' }, { decision: 'once' }, { decision: 'once' }],
    });
    const tenMiB = 10 * 1024 * 1024;
    for (const [size, contentType] of [
      [tenMiB, 'image/jpeg'],
      [tenMiB + 1, 'image/jpeg'],
      [1000, 'video/mp4'],
    ] as const) {
      await handleSignedAction(deps, SENDER, {
        provider: 'x',
        method: 'POST',
        url: UPLOAD,
        multipart: [{ name: 'media', file: wireFile(new Uint8Array(size), { contentType }) }],
      });
    }
    expect(questions.map((q) => [q.files?.[0]?.size, q.files?.[0]?.preview instanceof Blob])).toEqual([
      [tenMiB, true],
      [tenMiB + 1, false],
      [1000, false],
    ]);
  });

  it('refuses files over the limit with file_too_large before anything is asked or sent', async () => {
    const { deps, questions, request } = await signedActionWorld({ answers: [{ decision: 'once' }] });
    const declared = { filename: 'big.mp4', contentType: 'video/mp4', size: 20 * 1024 * 1024 + 1, base64: '' };
    expect(
      await codeOf(
        handleSignedAction(deps, SENDER, {
          provider: 'x',
          method: 'POST',
          url: UPLOAD,
          multipart: [{ name: 'media', file: declared }],
        }),
      ),
    ).toBe('file_too_large');
    expect(questions).toEqual([]);
    expect(request).not.toHaveBeenCalled();
  });
});

/** A chunked upload's steps: initialize (asks), then appends and finalize in the sequence. */
const VIDEO = { filename: 'clip.mp4', contentType: 'video/mp4', size: 10 };
const initialize = (requests: number, extra: object = {}) => ({
  provider: 'x',
  method: 'POST',
  url: `${UPLOAD}/initialize`,
  json: { media_type: 'video/mp4', total_bytes: 10, media_category: 'tweet_video' },
  sequence: { under: UPLOAD, requests, files: [VIDEO] },
  ...extra,
});
const append = (inSequence: string, index: number, bytes: Uint8Array, extra: object = {}) => ({
  provider: 'x',
  method: 'POST',
  url: `${UPLOAD}/123/append`,
  multipart: [
    { name: 'segment_index', value: String(index) },
    { name: 'media', file: wireFile(bytes) },
  ],
  inSequence,
  ...extra,
});
const finalize = (inSequence: string, extra: object = {}) => ({
  provider: 'x',
  method: 'POST',
  url: `${UPLOAD}/123/finalize`,
  inSequence,
  ...extra,
});

describe('performSignedAction: a sequence', () => {
  it('asks once, showing the files to come; the later steps go without a question, as the account chosen', async () => {
    const { deps, questions, request, store } = await signedActionWorld({
      cached: [ALICE, BOB],
      answers: [{ decision: 'once', accountId: BOB.id }],
    });
    const first = await handleSignedAction(deps, SENDER, initialize(3));
    expect(first.sequence).toEqual(expect.any(String));
    const id = first.sequence as string;
    expect(questions).toHaveLength(1);
    expect(questions[0]).toMatchObject({
      url: `${UPLOAD}/initialize`,
      sequence: { under: UPLOAD, requests: 3 },
      files: [VIDEO],
    });

    const steps = [append(id, 0, randomBytes(6)), append(id, 1, randomBytes(4)), finalize(id)];
    for (const step of steps) {
      const answer = await handleSignedAction(deps, SENDER, step);
      expect(answer.account).toEqual({ id: BOB.id, provider: 'x', screenName: 'bob' });
      expect(answer).not.toHaveProperty('sequence');
    }
    expect(questions).toHaveLength(1);
    expect(request.mock.calls.map(([accountId, input]) => [accountId, input.url])).toEqual([
      [BOB.id, `${UPLOAD}/initialize`],
      [BOB.id, `${UPLOAD}/123/append`],
      [BOB.id, `${UPLOAD}/123/append`],
      [BOB.id, `${UPLOAD}/123/finalize`],
    ]);
    // Each step is in the user's log, the appends with their chunk's size.
    expect((await readActivity(store)).reverse().map((e) => [e.account?.id, e.files?.[0]?.size])).toEqual([
      [BOB.id, undefined],
      [BOB.id, 6],
      [BOB.id, 4],
      [BOB.id, undefined],
    ]);
  });

  it('refuses a step past the number allowed as sequence_refused, sends nothing, and logs it', async () => {
    const { deps, questions, request, store } = await signedActionWorld({ answers: [{ decision: 'once' }] });
    const id = (await handleSignedAction(deps, SENDER, initialize(1))).sequence as string;
    await handleSignedAction(deps, SENDER, finalize(id));
    expect(await codeOf(handleSignedAction(deps, SENDER, finalize(id)))).toBe('sequence_refused');
    expect(questions).toHaveLength(1);
    expect(request).toHaveBeenCalledTimes(2);
    expect((await readActivity(store))[0]).toMatchObject({
      url: `${UPLOAD}/123/finalize`,
      account: null,
      outcome: { kind: 'refused', code: 'sequence_refused' },
    });
  });

  it('refuses a step that uploads more bytes than the files shown to the user', async () => {
    const { deps, request } = await signedActionWorld({ answers: [{ decision: 'once' }] });
    const id = (await handleSignedAction(deps, SENDER, initialize(5))).sequence as string;
    await handleSignedAction(deps, SENDER, append(id, 0, randomBytes(8)));
    expect(await codeOf(handleSignedAction(deps, SENDER, append(id, 1, randomBytes(3))))).toBe('sequence_refused');
    await handleSignedAction(deps, SENDER, append(id, 1, randomBytes(2)));
    expect(request).toHaveBeenCalledTimes(3);
  });

  it('ends ten minutes after the yes', async () => {
    const { deps, clock } = await signedActionWorld({ answers: [{ decision: 'once' }] });
    const id = (await handleSignedAction(deps, SENDER, initialize(5))).sequence as string;
    clock.now += SEQUENCE_LIFETIME_MS - 1;
    await handleSignedAction(deps, SENDER, finalize(id));
    clock.now += 1;
    expect(await codeOf(handleSignedAction(deps, SENDER, finalize(id)))).toBe('sequence_refused');
  });

  it.each<[string, (id: string) => { sender?: typeof SENDER; params: object }]>([
    [
      'another tab of the site',
      (id) => ({ sender: { ...SENDER, tab: { id: 8, url: `${SITE}/x` } }, params: finalize(id) }),
    ],
    [
      'another site',
      (id) => ({
        sender: { ...SENDER, url: 'https://other.example/', origin: 'https://other.example', tab: { id: 7 } },
        params: finalize(id),
      }),
    ],
    ['another account', (id) => ({ params: finalize(id, { accountId: BOB.id }) })],
    ['a URL outside the one allowed', (id) => ({ params: finalize(id, { url: 'https://api.x.com/2/tweets' }) })],
    ['an id never given', () => ({ params: finalize(crypto.randomUUID()) })],
  ])('refuses a step from %s without asking or sending', async (_case, make) => {
    const { deps, questions, request } = await signedActionWorld({
      cached: [ALICE, BOB],
      answers: [{ decision: 'once', accountId: ALICE.id }],
    });
    const id = (await handleSignedAction(deps, SENDER, initialize(5))).sequence as string;
    const { sender, params } = make(id);
    expect(await codeOf(handleSignedAction(deps, sender ?? SENDER, params))).toBe('sequence_refused');
    expect(questions).toHaveLength(1);
    expect(request).toHaveBeenCalledTimes(1);
  });

  it('opens nothing on a no: the site gets consent_denied and no id', async () => {
    const { deps, request } = await signedActionWorld({ answers: [{ decision: 'deny', reason: 'denied' }] });
    expect(await codeOf(handleSignedAction(deps, SENDER, initialize(5)))).toBe('consent_denied');
    expect(request).not.toHaveBeenCalled();
  });

  it('opens one without a question for a site the user allowed always', async () => {
    const { deps, questions, store } = await signedActionWorld();
    await grantSiteConsent(store, {
      origin: SITE,
      provider: 'x',
      accountId: ALICE.id,
      screenName: 'alice',
      confirmWrites: false,
      grantedAt: 0,
      lastUsedAt: null,
    });
    const id = (await handleSignedAction(deps, SENDER, initialize(1))).sequence as string;
    await expect(handleSignedAction(deps, SENDER, finalize(id))).resolves.toMatchObject({ status: 200 });
    expect(questions).toEqual([]);
  });

  it('refuses a first step outside its own URL (invalid_message) or a URL outside the API (url_not_allowed)', async () => {
    const { deps, questions, request } = await signedActionWorld({ answers: [{ decision: 'once' }] });
    const outside = initialize(2, { url: 'https://api.x.com/2/tweets' });
    expect(await codeOf(handleSignedAction(deps, SENDER, outside))).toBe('invalid_message');
    const notApi = initialize(2, { sequence: { under: 'https://api.x.com/', requests: 2 } });
    expect(await codeOf(handleSignedAction(deps, SENDER, notApi))).toBe('url_not_allowed');
    expect(questions).toEqual([]);
    expect(request).not.toHaveBeenCalled();
  });
});
