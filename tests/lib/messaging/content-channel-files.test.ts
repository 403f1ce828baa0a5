import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_ACTION_FILE_BYTES, MAX_ACTION_FILES } from '../../../lib/messaging/content-files';
import { parseSignedActionRequest } from '../../../lib/messaging/content-params';
import type {
  SignedActionInput,
  SignedActionRequest,
  SignedActionResult,
} from '../../../lib/messaging/content-protocol';
import { fileReaderOf, readersMade } from '../../support/file-reader';
import { bytesOf, sha256 } from '../../support/signed-action-world';

// The browser's messaging is the boundary: what the content script hands it is what the test inspects.
const sendMessage = vi.fn<(message: unknown) => Promise<unknown>>();
vi.mock('webextension-polyfill', () => ({ default: { runtime: { id: 'our-extension-id', sendMessage } } }));

const { requestSignedAction } = await import('../../../lib/messaging/content-channel');

const UPLOAD = 'https://api.x.com/2/media/upload';
const RESULT: SignedActionResult = {
  status: 200,
  headers: {},
  body: '{"data":{"id":"1"}}',
  bodyEncoding: 'utf8',
  account: { id: 'acc-alice', provider: 'x', screenName: 'alice' },
};

let reader: typeof FileReader;
/** What each message was once Chrome's messaging (JSON) carried it, and the background's parser accepted it. */
let received: SignedActionRequest[];

beforeEach(() => {
  reader = fileReaderOf('chromium');
  vi.stubGlobal('FileReader', reader);
  received = [];
  sendMessage.mockReset();
  sendMessage.mockImplementation(async (message) => {
    const carried = JSON.parse(JSON.stringify(message)) as { params: unknown };
    received.push(parseSignedActionRequest(carried.params));
    return { ok: true, value: RESULT };
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('requestSignedAction with files', () => {
  it('sends each file as base64 on the content channel, and the background gets the same bytes', async () => {
    const photo = randomBytes(200_000);
    const buffer = randomBytes(1000);
    const larger = randomBytes(64);
    const answer = await requestSignedAction({
      provider: 'x',
      method: 'POST',
      url: UPLOAD,
      multipart: [
        { name: 'media', file: new File([photo], 'harbour.png', { type: 'image/png' }) },
        { name: 'media_category', value: 'tweet_image' },
        { name: 'buffer', file: new Uint8Array(buffer).buffer, filename: 'b.bin', md5: 'ab'.repeat(16) },
        { name: 'view', file: larger.subarray(8, 24), contentType: 'application/x-thing' },
      ],
    });
    expect(answer).toEqual({ ok: true, value: RESULT });

    const message = sendMessage.mock.calls[0]?.[0] as { channel: string; name: string; params: SignedActionInput };
    expect(message).toMatchObject({ channel: 'content→background', name: 'requestSignedAction' });
    expect(message.params.multipart).toEqual([
      {
        name: 'media',
        file: { filename: 'harbour.png', contentType: 'image/png', size: 200_000, base64: expect.any(String) },
      },
      { name: 'media_category', value: 'tweet_image' },
      {
        name: 'buffer',
        file: {
          filename: 'b.bin',
          contentType: 'application/octet-stream',
          size: 1000,
          base64: buffer.toString('base64'),
          md5: 'ab'.repeat(16),
        },
      },
      {
        name: 'view',
        file: { filename: 'blob', contentType: 'application/x-thing', size: 16, base64: expect.any(String) },
      },
    ]);

    const files = (received[0]?.multipart ?? []).flatMap((f) => ('file' in f ? [f.file.bytes] : []));
    expect(await Promise.all(files.map(async (blob) => sha256(await bytesOf(blob))))).toEqual([
      sha256(photo),
      sha256(buffer),
      sha256(larger.subarray(8, 24)),
    ]);
  });

  it('sends a raw body the same way', async () => {
    const bytes = randomBytes(777);
    await requestSignedAction({
      provider: 'x',
      method: 'PUT',
      url: UPLOAD,
      raw: { file: new Blob([bytes], { type: 'video/mp4' }), md5: '0'.repeat(32) },
    });
    expect(received[0]?.raw).toMatchObject({ filename: 'blob', contentType: 'video/mp4', md5: '0'.repeat(32) });
    expect(sha256(await bytesOf(received[0]?.raw?.bytes as Blob))).toBe(sha256(bytes));
  });

  it('sends an empty file as an empty file', async () => {
    await requestSignedAction({
      provider: 'x',
      method: 'POST',
      url: UPLOAD,
      multipart: [{ name: 'empty', file: new Blob([]) }],
    });
    const field = received[0]?.multipart?.[0];
    expect(field && 'file' in field && field.file.bytes.size).toBe(0);
  });

  it('sends a request without files as it was given, reading nothing', async () => {
    const request: SignedActionInput = {
      provider: 'x',
      method: 'POST',
      url: UPLOAD,
      multipart: [{ name: 'a', value: 'b' }],
      headers: { 'X-A': '1' },
      sequence: { under: UPLOAD, requests: 2 },
    };
    await requestSignedAction(request);
    expect(sendMessage.mock.calls[0]?.[0]).toEqual({
      channel: 'content→background',
      name: 'requestSignedAction',
      params: request,
    });
    expect(readersMade(reader)).toBe(0);
  });

  it(`sends files of ${MAX_ACTION_FILE_BYTES} bytes in all, the most one action may carry`, async () => {
    const half = new Uint8Array(MAX_ACTION_FILE_BYTES / 2);
    const answer = await requestSignedAction({
      provider: 'x',
      method: 'POST',
      url: UPLOAD,
      multipart: [
        { name: 'a', file: half },
        { name: 'b', file: new Blob([half]) },
      ],
    });
    expect(answer.ok).toBe(true);
    expect(received[0]?.multipart?.map((f) => ('file' in f ? f.file.bytes.size : 0))).toEqual([
      MAX_ACTION_FILE_BYTES / 2,
      MAX_ACTION_FILE_BYTES / 2,
    ]);
    // 20 MiB through base64 and back in script: seconds on a busy machine.
  }, 30_000);

  it.each<[string, SignedActionInput['multipart'], SignedActionInput['raw']]>([
    [
      'files over 20 MiB in all',
      [
        { name: 'a', file: new ArrayBuffer(MAX_ACTION_FILE_BYTES / 2) },
        { name: 'b', file: new Blob([new Uint8Array(MAX_ACTION_FILE_BYTES / 2 + 1)]) },
      ],
      undefined,
    ],
    ['a raw body over 20 MiB', undefined, { file: new Uint8Array(MAX_ACTION_FILE_BYTES + 1) }],
    [
      'a file beside a raw body, over 20 MiB together',
      [{ name: 'a', file: new Uint8Array(MAX_ACTION_FILE_BYTES) }],
      { file: new Uint8Array(1) },
    ],
    [
      `${MAX_ACTION_FILES + 1} files`,
      Array.from({ length: MAX_ACTION_FILES + 1 }, (_, i) => ({ name: `f${i}`, file: new Uint8Array(1) })),
      undefined,
    ],
  ])('refuses %s with file_too_large, reading none and sending nothing', async (_case, multipart, raw) => {
    const answer = await requestSignedAction({
      provider: 'x',
      method: 'POST',
      url: UPLOAD,
      ...(multipart ? { multipart } : {}),
      ...(raw ? { raw } : {}),
    });
    expect(answer).toEqual({ ok: false, error: { code: 'file_too_large', message: expect.any(String) } });
    expect(readersMade(reader)).toBe(0);
    expect(sendMessage).not.toHaveBeenCalled();
  });

  // The FileReader fails with a DOMException, whose legacy numeric `code` (0, or 8 for NotFoundError) is no answer code.
  it('answers invalid_message, sending nothing, when the browser cannot read a file', async () => {
    class Unreadable extends Blob {
      override arrayBuffer(): Promise<ArrayBuffer> {
        return Promise.reject(new Error('the file was removed'));
      }
    }
    const answer = await requestSignedAction({
      provider: 'x',
      method: 'POST',
      url: UPLOAD,
      multipart: [{ name: 'media', file: new Unreadable(['x']) }],
    });
    expect(answer).toEqual({
      ok: false,
      error: { code: 'invalid_message', message: expect.stringContaining('the file was removed') },
    });
    expect(sendMessage).not.toHaveBeenCalled();
  });

  it('answers internal_error when the extension does not answer', async () => {
    sendMessage.mockRejectedValueOnce(new Error('Could not establish connection. Receiving end does not exist.'));
    const answer = await requestSignedAction({
      provider: 'x',
      method: 'POST',
      url: UPLOAD,
      raw: { file: new Uint8Array([1]) },
    });
    expect(answer).toEqual({
      ok: false,
      error: { code: 'internal_error', message: expect.stringContaining('Receiving end does not exist') },
    });
  });
});
