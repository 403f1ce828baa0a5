import 'fake-indexeddb/auto';
import { createStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import {
  ACTIVITY_LIMIT,
  type ActivityEntry,
  appendActivity,
  loggedUrl,
  readActivity,
} from '../../../lib/activity/activity-log';
import { MAX_ACTION_FILE_BYTES, MAX_ACTION_FILES } from '../../../lib/messaging/content-files';
import { parseSignedActionRequest } from '../../../lib/messaging/content-params';
import { fileSummaries, isWrite } from '../../../lib/messaging/content-protocol';
import { checkCompanionUrl } from '../../../lib/settings/extension-settings';
import { guardStore } from '../../../lib/storage/registry';

const API = 'https://api.x.com/1.1/statuses/update.json';
const valid = { provider: 'x', method: 'POST', url: API, form: [['status', 'hello']] };

/** The parser's refusal, as the channel answers it: InvalidMessage, code invalid_message. */
function refusal(params: unknown) {
  try {
    parseSignedActionRequest(params);
  } catch (error) {
    return { name: (error as Error).constructor.name, code: (error as { code?: unknown }).code };
  }
  return 'accepted';
}

const invalid = { name: 'InvalidMessage', code: 'invalid_message' };

describe('parseSignedActionRequest accepts', () => {
  it('a minimal GET', () => {
    expect(parseSignedActionRequest({ provider: 'x', method: 'GET', url: API })).toEqual({
      provider: 'x',
      method: 'GET',
      url: API,
    });
  });

  it('every field, keeping pairs in order and duplicates', () => {
    const request = {
      provider: 'jira-cloud',
      accountId: 'Acc_1-2',
      method: 'PUT',
      url: 'http://localhost:8788/rest/api',
      query: [
        ['a', '1'],
        ['a', '2'],
      ],
      json: { nested: [1, 'two', null] },
    };
    expect(parseSignedActionRequest(request)).toEqual(request);
  });

  it('a form body for a write and empty pair lists', () => {
    expect(parseSignedActionRequest(valid)).toEqual(valid);
    expect(parseSignedActionRequest({ ...valid, query: [] })).toMatchObject({ query: [] });
  });

  it('exactly 200 pairs, and json of null (a body all the same)', () => {
    const pairs = Array.from({ length: 200 }, (_, i) => [`p${i}`, 'v']);
    expect(parseSignedActionRequest({ ...valid, form: pairs }).form).toHaveLength(200);
    expect(parseSignedActionRequest({ provider: 'x', method: 'POST', url: API, json: null })).toMatchObject({
      json: null,
    });
  });

  it('JSON of exactly 200 000 characters once serialised', () => {
    const json = 'a'.repeat(199_998); // the quotes make 200 000
    expect(parseSignedActionRequest({ provider: 'x', method: 'POST', url: API, json })).toMatchObject({ json });
  });
});

describe('parseSignedActionRequest refuses with invalid_message', () => {
  const manyPairs = Array.from({ length: 201 }, (_, i) => [`p${i}`, 'v']);
  it.each<[string, unknown]>([
    ['not an object', 'GET https://api.x.com/'],
    ['null', null],
    ['an array', [valid]],
    ['an unknown field (a claimed origin)', { ...valid, origin: 'https://trusted.example' }],
    ['a header value with CR LF', { ...valid, headers: { accept: 'x\r\nX-Evil: 1' } }],
    ['a header name with a colon', { ...valid, headers: { 'x:y': '1' } }],
    ['a missing provider', { method: 'GET', url: API }],
    ['a provider id in capitals', { ...valid, provider: 'X' }],
    ['a provider id with a slash', { ...valid, provider: 'x/../y' }],
    ['a provider id too long', { ...valid, provider: `x${'a'.repeat(32)}` }],
    ['a lowercase method', { ...valid, method: 'post' }],
    ['an unsupported method', { ...valid, method: 'HEAD' }],
    ['a relative URL', { ...valid, url: '/1.1/statuses/update.json' }],
    ['a protocol-relative URL', { ...valid, url: '//api.x.com/1.1/' }],
    ['a javascript: URL', { ...valid, url: 'javascript:alert(1)' }],
    ['a data: URL', { ...valid, url: 'data:text/plain,hi' }],
    ['a URL over 4096 characters', { ...valid, url: `https://api.x.com/${'a'.repeat(4096)}` }],
    ['query not a list', { ...valid, query: { status: 'hi' } }],
    ['a pair of three', { ...valid, form: [['a', 'b', 'c']] }],
    ['a pair with a number', { ...valid, form: [['count', 5]] }],
    ['a pair that is a string', { ...valid, query: ['a=b'] }],
    ['more than 200 pairs', { ...valid, form: manyPairs }],
    ['a form and a JSON body', { ...valid, json: { status: 'hello' } }],
    ['a GET with a form', { ...valid, method: 'GET' }],
    ['a GET with a JSON body', { provider: 'x', method: 'GET', url: API, json: {} }],
    ['an oauth_ parameter in the query', { ...valid, query: [['oauth_token', 'stolen']] }],
    ['an oauth_ parameter in the form', { ...valid, form: [['oauth_callback', 'https://evil.example/']] }],
    ['JSON over 200 000 characters', { provider: 'x', method: 'POST', url: API, json: 'a'.repeat(200_000) }],
    ['JSON that cannot be serialised (BigInt)', { provider: 'x', method: 'POST', url: API, json: { n: 1n } }],
    ['JSON that serialises to nothing (a function)', { provider: 'x', method: 'POST', url: API, json: () => 1 }],
    ['an accountId with a slash', { ...valid, accountId: '../accounts' }],
    ['an accountId with a space', { ...valid, accountId: 'a b' }],
    ['an empty accountId', { ...valid, accountId: '' }],
    ['an accountId that is a number', { ...valid, accountId: 42 }],
  ])('%s', (_case, params) => {
    expect(refusal(params)).toEqual(invalid);
  });

  it('a cyclic JSON body (structured cloning keeps cycles)', () => {
    const json: Record<string, unknown> = {};
    json.self = json;
    expect(refusal({ provider: 'x', method: 'POST', url: API, json })).toEqual(invalid);
  });

  // Array.prototype.every skips holes, and structured cloning (Firefox's
  // messaging) keeps them: a sparse list must still be refused as invalid_message.
  it('a sparse pair list (holes are not pairs)', () => {
    expect(refusal({ provider: 'x', method: 'GET', url: API, query: new Array(2) })).toEqual(invalid);
  });

  it('an own "__proto__" key (as structured cloning of a parsed object can give)', () => {
    expect(refusal(JSON.parse('{"provider":"x","method":"GET","url":"https://api.x.com/","__proto__":{}}'))).toEqual(
      invalid,
    );
  });
});

const UPLOAD = 'https://api.x.com/2/media/upload';
const bytesOf = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());

/** A file as a content script's message carries it (base64 by Node, not by the code under test). */
function wire(bytes: Uint8Array, overrides: Record<string, unknown> = {}) {
  return {
    filename: 'photo.png',
    contentType: 'image/png',
    size: bytes.length,
    base64: Buffer.from(bytes).toString('base64'),
    ...overrides,
  };
}

/** A declared file that is never decoded: its size says it is large, its base64 is not even base64. */
const declared = (size: number) => ({ filename: 'big.mp4', contentType: 'video/mp4', size, base64: '!' });

const photo = new Uint8Array([137, 80, 78, 71, 0, 255, 13, 10]);
const upload = {
  provider: 'x',
  method: 'POST',
  url: UPLOAD,
  multipart: [
    { name: 'media_category', value: 'tweet_image' },
    { name: 'media', file: wire(photo, { md5: 'D41D8CD98F00B204E9800998ECF8427E' }) },
  ],
};

describe('parseSignedActionRequest with files, headers and sequences: accepts', () => {
  it('a multipart body of text and file fields, in order, with each file decoded', async () => {
    const request = parseSignedActionRequest(upload);
    expect(request.multipart).toEqual([
      { name: 'media_category', value: 'tweet_image' },
      {
        name: 'media',
        file: {
          filename: 'photo.png',
          contentType: 'image/png',
          bytes: expect.any(Blob),
          md5: 'd41d8cd98f00b204e9800998ecf8427e',
        },
      },
    ]);
    const field = request.multipart?.[1];
    expect(field && 'file' in field && (await bytesOf(field.file.bytes))).toEqual(photo);
  });

  it('a raw body: the whole body is one file', async () => {
    const request = parseSignedActionRequest({ provider: 'x', method: 'PUT', url: UPLOAD, raw: wire(photo) });
    expect(request.raw?.contentType).toBe('image/png');
    expect(await bytesOf(request.raw?.bytes as Blob)).toEqual(photo);
  });

  it(`${MAX_ACTION_FILES} files and ${MAX_ACTION_FILE_BYTES} declared bytes, the most one action may carry`, () => {
    const files = Array.from({ length: MAX_ACTION_FILES }, (_, i) => ({ name: `f${i}`, file: wire(photo) }));
    expect(parseSignedActionRequest({ ...upload, multipart: files }).multipart).toHaveLength(MAX_ACTION_FILES);
    const exactly = { provider: 'x', method: 'POST', url: UPLOAD, raw: declared(MAX_ACTION_FILE_BYTES) };
    // Past the size rule, the bad base64 is what is refused: the size was within the limit.
    expect(refusal(exactly)).toEqual(invalid);
  });

  it('headers of letters, digits and -, with tabs and Latin-1 in their values', () => {
    const headers = { 'X-Smug-AlbumUri': '/api/v2/album/abc', 'Content-MD5': 'a\tb é' };
    expect(parseSignedActionRequest({ ...upload, headers }).headers).toEqual(headers);
  });

  it('a sequence with the files its later steps will upload', () => {
    const sequence = {
      under: UPLOAD,
      requests: 1000,
      files: [{ filename: 'clip.mp4', contentType: 'video/mp4', size: 9_000_000 }],
    };
    const request = { provider: 'x', method: 'POST', url: `${UPLOAD}/initialize`, json: {}, sequence };
    expect(parseSignedActionRequest(request).sequence).toEqual(sequence);
    expect(parseSignedActionRequest({ ...request, sequence: { under: UPLOAD, requests: 1 } }).sequence).toEqual({
      under: UPLOAD,
      requests: 1,
    });
  });

  it('a later step of a sequence, by the id its first answer gave', () => {
    const id = crypto.randomUUID();
    expect(parseSignedActionRequest({ ...upload, inSequence: id }).inSequence).toBe(id);
  });
});

describe('parseSignedActionRequest with files, headers and sequences: refuses with invalid_message', () => {
  const text = (value: unknown) => ({ ...upload, multipart: [{ name: 'status', value }] });
  it.each<[string, unknown]>([
    ['multipart and a form', { ...upload, form: [['a', 'b']] }],
    ['multipart and JSON', { ...upload, json: {} }],
    ['multipart and a raw body', { ...upload, raw: wire(photo) }],
    ['a raw body and a form', { ...valid, raw: wire(photo) }],
    ['a GET with multipart', { ...upload, method: 'GET' }],
    ['a GET with a raw body', { provider: 'x', method: 'GET', url: UPLOAD, raw: wire(photo) }],
    ['an empty multipart list', { ...upload, multipart: [] }],
    ['multipart that is not a list', { ...upload, multipart: { media: wire(photo) } }],
    ['more than 50 fields', { ...upload, multipart: Array.from({ length: 51 }, () => ({ name: 'a', value: 'b' })) }],
    ['a field with both a value and a file', { ...upload, multipart: [{ name: 'm', value: 'x', file: wire(photo) }] }],
    ['a field with neither', { ...upload, multipart: [{ name: 'm' }] }],
    ['a field with an unknown key', { ...upload, multipart: [{ name: 'm', value: 'x', filename: 'a' }] }],
    ['a field name with a quote', { ...upload, multipart: [{ name: 'a"b', value: 'x' }] }],
    ['a field name with CR LF', { ...upload, multipart: [{ name: 'a\r\nb', value: 'x' }] }],
    ['a field name of 201 characters', { ...upload, multipart: [{ name: 'a'.repeat(201), value: 'x' }] }],
    ['a text value of 65 537 characters', text('a'.repeat(65_537))],
    ['a text value that is a number', text(5)],
    ['a file that is a Blob (what Chrome would carry as {})', { ...upload, multipart: [{ name: 'm', file: {} }] }],
    ['a file whose size is not its bytes', { ...upload, multipart: [{ name: 'm', file: wire(photo, { size: 9 }) }] }],
    [
      'a file name with a backslash',
      { ...upload, multipart: [{ name: 'm', file: wire(photo, { filename: 'a\\b' }) }] },
    ],
    [
      'a raw body with a content type with parameters',
      { ...upload, multipart: undefined, raw: wire(photo, { contentType: 'image/png; q=1' }) },
    ],
    ['a header value with LF', { ...upload, headers: { accept: 'a\nb' } }],
    ['a header value with CR', { ...upload, headers: { accept: 'a\rb' } }],
    ['a header value with NUL', { ...upload, headers: { accept: 'a\u0000b' } }],
    ['a header value with DEL', { ...upload, headers: { accept: 'a\u007fb' } }],
    ['a header value beyond Latin-1', { ...upload, headers: { accept: 'a\u0100' } }],
    ['a header value of 1025 characters', { ...upload, headers: { accept: 'a'.repeat(1025) } }],
    ['a header value that is a number', { ...upload, headers: { 'content-length': 5 } }],
    ['a header name with a space', { ...upload, headers: { 'x y': '1' } }],
    ['a header name with CR LF', { ...upload, headers: { 'x\r\ny': '1' } }],
    ['an empty header name', { ...upload, headers: { '': '1' } }],
    ['31 headers', { ...upload, headers: Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`h${i}`, 'v'])) }],
    ['headers as a list', { ...upload, headers: [['accept', 'a']] }],
    ['a sequence and inSequence together', { ...upload, sequence: { under: UPLOAD, requests: 2 }, inSequence: 'abc' }],
    ['a sequence of 0 requests', { ...upload, sequence: { under: UPLOAD, requests: 0 } }],
    ['a sequence of 1001 requests', { ...upload, sequence: { under: UPLOAD, requests: 1001 } }],
    ['a sequence of 1.5 requests', { ...upload, sequence: { under: UPLOAD, requests: 1.5 } }],
    ['a sequence under a relative URL', { ...upload, sequence: { under: '/2/media/upload', requests: 2 } }],
    ['a sequence under an ftp URL', { ...upload, sequence: { under: 'ftp://api.x.com/', requests: 2 } }],
    ['a sequence with an unknown field', { ...upload, sequence: { under: UPLOAD, requests: 2, ttl: 1e9 } }],
    [
      'a sequence file with a negative size',
      { ...upload, sequence: { under: UPLOAD, requests: 2, files: [{ filename: 'a', contentType: 'a/b', size: -1 }] } },
    ],
    [
      'a sequence file with a content type with parameters',
      {
        ...upload,
        sequence: { under: UPLOAD, requests: 2, files: [{ filename: 'a', contentType: 'a/b; c=d', size: 1 }] },
      },
    ],
    [
      `a sequence of ${MAX_ACTION_FILES + 1} files`,
      {
        ...upload,
        sequence: {
          under: UPLOAD,
          requests: 2,
          files: Array.from({ length: MAX_ACTION_FILES + 1 }, () => ({ filename: 'a', contentType: 'a/b', size: 1 })),
        },
      },
    ],
    ['an inSequence id with a slash', { ...upload, inSequence: '../x' }],
    ['an empty inSequence id', { ...upload, inSequence: '' }],
    ['an inSequence id that is a number', { ...upload, inSequence: 7 }],
  ])('%s', (_case, params) => {
    expect(refusal(params)).toEqual(invalid);
  });
});

describe('parseSignedActionRequest refuses too many files or bytes with file_too_large, before decoding any', () => {
  const tooLarge = { name: 'FileTooLarge', code: 'file_too_large' };
  it.each<[string, unknown]>([
    [
      `${MAX_ACTION_FILES + 1} files`,
      {
        ...upload,
        multipart: Array.from({ length: MAX_ACTION_FILES + 1 }, (_, i) => ({ name: `f${i}`, file: declared(1) })),
      },
    ],
    [
      'a file declaring 20 MiB and one byte',
      { ...upload, multipart: [{ name: 'm', file: declared(MAX_ACTION_FILE_BYTES + 1) }] },
    ],
    [
      'a raw body declaring 20 MiB and one byte',
      { provider: 'x', method: 'PUT', url: UPLOAD, raw: declared(MAX_ACTION_FILE_BYTES + 1) },
    ],
    [
      'two files of 10 MiB and one byte',
      {
        ...upload,
        multipart: [
          { name: 'a', file: declared(MAX_ACTION_FILE_BYTES / 2 + 1) },
          { name: 'b', file: declared(MAX_ACTION_FILE_BYTES / 2) },
        ],
      },
    ],
  ])('%s', (_case, params) => {
    expect(refusal(params)).toEqual(tooLarge);
  });
});

describe('fileSummaries', () => {
  it('describes each file of a request by name, type and size, the raw body last', () => {
    const multipart = parseSignedActionRequest({
      ...upload,
      multipart: [
        { name: 'a', file: wire(photo, { filename: 'one.png' }) },
        { name: 'text', value: 'not a file' },
        { name: 'b', file: wire(new Uint8Array(3), { filename: 'two.bin', contentType: 'application/octet-stream' }) },
      ],
    });
    expect(fileSummaries(multipart)).toEqual([
      { filename: 'one.png', contentType: 'image/png', size: photo.length },
      { filename: 'two.bin', contentType: 'application/octet-stream', size: 3 },
    ]);
    const raw = parseSignedActionRequest({ provider: 'x', method: 'PUT', url: UPLOAD, raw: wire(photo) });
    expect(fileSummaries(raw)).toEqual([{ filename: 'photo.png', contentType: 'image/png', size: photo.length }]);
    expect(fileSummaries(parseSignedActionRequest(valid))).toEqual([]);
  });
});

describe('isWrite', () => {
  it('is false for GET only', () => {
    expect(isWrite('GET')).toBe(false);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) expect(isWrite(method)).toBe(true);
  });
});

describe('checkCompanionUrl', () => {
  it.each([
    ['https://companion.example.com', 'https://companion.example.com'],
    ['https://companion.example.com/', 'https://companion.example.com'],
    ['https://companion.example.com/base//', 'https://companion.example.com/base'],
    ['  https://Companion.Example.com:443/  ', 'https://companion.example.com'],
    ['http://127.0.0.1:8787', 'http://127.0.0.1:8787'],
    ['http://localhost:8787/', 'http://localhost:8787'],
    ['http://[::1]:8787', 'http://[::1]:8787'],
  ])('accepts %s as %s', (input, url) => {
    expect(checkCompanionUrl(input)).toEqual({ ok: true, url });
  });

  it.each([
    ['not a URL', 'companion.example.com'],
    ['plain HTTP to another machine', 'http://companion.example.com'],
    ['plain HTTP to a LAN address', 'http://192.168.1.10:8787'],
    ['a user name', 'https://user@companion.example.com'],
    ['a user name and password', 'https://user:pw@companion.example.com'],
    ['a query', 'https://companion.example.com/?token=1'],
    ['a fragment', 'https://companion.example.com/#x'],
    ['another scheme', 'ftp://companion.example.com'],
  ])('refuses %s', (_case, input) => {
    expect(checkCompanionUrl(input)).toEqual({ ok: false, reason: expect.any(String) });
  });
});

describe('the activity log', () => {
  it('logs a URL without its query, fragment or credentials', () => {
    expect(loggedUrl('https://api.x.com/1.1/search.json?q=secret#frag')).toBe('https://api.x.com/1.1/search.json');
    expect(loggedUrl('https://user:pw@api.x.com:8443/a/b?x=1')).toBe('https://api.x.com:8443/a/b');
  });

  it(`keeps the newest ${ACTIVITY_LIMIT} entries, newest first`, async () => {
    const store = guardStore(createStore(`test-${crypto.randomUUID()}`, 'state'));
    const entry = (n: number): ActivityEntry => ({
      id: `entry-${n}`,
      at: n,
      // Four sites: a single one may keep only part of the log (tests/lib/activity).
      origin: `https://site-${n % 4}.example`,
      provider: 'x',
      account: null,
      method: 'GET',
      url: 'https://api.x.com/1.1/a.json',
      outcome: { kind: 'sent', status: 200 },
    });
    for (let n = 1; n <= ACTIVITY_LIMIT + 5; n++) await appendActivity(store, entry(n));
    const entries = await readActivity(store);
    expect(entries).toHaveLength(ACTIVITY_LIMIT);
    expect(entries[0]?.id).toBe(`entry-${ACTIVITY_LIMIT + 5}`);
    expect(entries.at(-1)?.id).toBe('entry-6');
    expect(await readActivity(store, 3)).toEqual([
      entry(ACTIVITY_LIMIT + 5),
      entry(ACTIVITY_LIMIT + 4),
      entry(ACTIVITY_LIMIT + 3),
    ]);
  });
});
