import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  dataUrlOf,
  encodeFile,
  type FileBytes,
  isDispositionValue,
  isMediaType,
  MAX_ACTION_FILE_BYTES,
  type WireFile,
} from '../../../lib/messaging/content-files';
import { decodeFile } from '../../../lib/messaging/content-params';
import { type BrowserName, fileReaderOf } from '../../support/file-reader';

afterEach(() => {
  vi.unstubAllGlobals();
});

/** Every byte value, in a shuffled order, followed by random bytes: `length` bytes in all (at least 256). */
function everyByte(length = 256): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  const values = Array.from({ length: 256 }, (_, i) => i).sort(() => Math.random() - 0.5);
  bytes.set(values);
  bytes.set(randomBytes(length - 256), 256);
  return bytes;
}

const bytesOf = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());

/**
 * What a file goes through from a content script to the background: read in
 * the content script, carried by the browser's messaging (Chrome's is JSON,
 * Firefox's a structured clone), checked and decoded in the background.
 */
async function carried(
  browser: BrowserName,
  bytes: FileBytes,
  described: Parameters<typeof encodeFile>[1] = {},
): Promise<{ wire: WireFile; received: ReturnType<typeof decodeFile> }> {
  vi.stubGlobal('FileReader', fileReaderOf(browser));
  const wire = await encodeFile(bytes, described);
  const message = browser === 'chromium' ? JSON.parse(JSON.stringify(wire)) : structuredClone(wire);
  return { wire, received: decodeFile(message, 'multipart[0].file') };
}

/** decodeFile's refusal, as the channel answers it. */
function refusal(value: unknown) {
  try {
    decodeFile(value, 'raw');
  } catch (error) {
    return { name: (error as Error).constructor.name, code: (error as { code?: unknown }).code };
  }
  return 'accepted';
}

const invalid = { name: 'InvalidMessage', code: 'invalid_message' };

/** A valid wire file of `bytes`, built with Node's base64 (not the code under test's). */
function wireFile(bytes: Uint8Array, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    filename: 'photo.png',
    contentType: 'image/png',
    size: bytes.length,
    base64: Buffer.from(bytes).toString('base64'),
    ...overrides,
  };
}

describe.each<BrowserName>(['chromium', 'firefox'])(
  'a file from a content script to the background (%s)',
  (browser) => {
    it('keeps every byte value, in order, from a Blob', async () => {
      const bytes = everyByte(100_003);
      const { received } = await carried(browser, new Blob([bytes], { type: 'video/mp4' }));
      expect(received.bytes.size).toBe(bytes.length);
      expect(await bytesOf(received.bytes)).toEqual(bytes);
    });

    it('keeps the bytes of an ArrayBuffer, and of a typed array that is a view into a larger buffer', async () => {
      const bytes = everyByte(1024);
      const fromBuffer = await carried(browser, bytes.buffer);
      expect(await bytesOf(fromBuffer.received.bytes)).toEqual(bytes);
      // Only the view's bytes: not the buffer before or after it.
      const view = bytes.subarray(100, 400);
      const fromView = await carried(browser, view);
      expect(await bytesOf(fromView.received.bytes)).toEqual(bytes.slice(100, 400));
      const fromDataView = await carried(browser, new DataView(bytes.buffer, 10, 20));
      expect(await bytesOf(fromDataView.received.bytes)).toEqual(bytes.slice(10, 30));
    });

    it.each([1, 2, 3, 4, 5])('keeps a file of %i bytes (every base64 padding)', async (length) => {
      const bytes = new Uint8Array(length).map((_, i) => 255 - i);
      const { wire, received } = await carried(browser, bytes);
      expect(wire.size).toBe(length);
      expect(await bytesOf(received.bytes)).toEqual(bytes);
    });

    it('carries an empty file as an empty file', async () => {
      const { wire, received } = await carried(browser, new Blob([], { type: 'text/plain' }), {
        filename: 'empty.txt',
      });
      expect(wire).toEqual({ filename: 'empty.txt', contentType: 'text/plain', size: 0, base64: '' });
      expect(received.bytes.size).toBe(0);
      expect(received.filename).toBe('empty.txt');
    });

    it('names a File by its name and type, anything else "blob" and application/octet-stream', async () => {
      const file = new File([everyByte()], 'harbour.png', { type: 'image/png' });
      expect((await carried(browser, file)).received).toMatchObject({
        filename: 'harbour.png',
        contentType: 'image/png',
      });
      expect((await carried(browser, new Uint8Array([1]))).received).toMatchObject({
        filename: 'blob',
        contentType: 'application/octet-stream',
      });
      const described = await carried(browser, file, { filename: 'other.jpg', contentType: 'image/jpeg' });
      expect(described.received).toMatchObject({ filename: 'other.jpg', contentType: 'image/jpeg' });
      expect(described.received.bytes.type).toBe('image/jpeg');
    });

    it('passes an MD5 on, as lowercase hex', async () => {
      const { wire, received } = await carried(browser, new Uint8Array([1, 2]), {
        md5: '0123456789ABCDEF0123456789abcdef',
      });
      expect(wire.md5).toBe('0123456789ABCDEF0123456789abcdef');
      expect(received.md5).toBe('0123456789abcdef0123456789abcdef');
      expect('md5' in (await carried(browser, new Uint8Array([1]))).wire).toBe(false);
    });
  },
);

describe('decodeFile accepts', () => {
  it('a file name of 255 characters, with spaces and letters of any script', async () => {
    const filename = `Zürich harbour 港 ${'a'.repeat(255 - 17)}`;
    expect(filename).toHaveLength(255);
    expect(decodeFile(wireFile(new Uint8Array([1]), { filename }), 'raw').filename).toBe(filename);
  });

  it('a Blob typed as the declared content type', async () => {
    const received = decodeFile(wireFile(new Uint8Array([7, 8, 9]), { contentType: 'application/vnd.api+json' }), 'f');
    expect(received.bytes.type).toBe('application/vnd.api+json');
    expect(await bytesOf(received.bytes)).toEqual(new Uint8Array([7, 8, 9]));
  });
});

describe('decodeFile refuses with invalid_message', () => {
  const bytes = new Uint8Array([1, 2, 3, 4]);
  it.each<[string, unknown]>([
    ['not an object', 'AQIDBA=='],
    ['null', null],
    ['an unknown field', wireFile(bytes, { path: '/etc/passwd' })],
    ['a missing file name', wireFile(bytes, { filename: undefined })],
    ['an empty file name', wireFile(bytes, { filename: '' })],
    ['a file name of 256 characters', wireFile(bytes, { filename: 'a'.repeat(256) })],
    ['a file name with CR LF (a header injection)', wireFile(bytes, { filename: 'a.png\r\nX-Evil: 1' })],
    ['a file name with LF', wireFile(bytes, { filename: 'a\n.png' })],
    ['a file name with a NUL', wireFile(bytes, { filename: 'a\u0000.png' })],
    ['a file name with a quote', wireFile(bytes, { filename: 'a".png' })],
    ['a file name with a backslash', wireFile(bytes, { filename: 'a\\.png' })],
    ['a content type with parameters', wireFile(bytes, { contentType: 'text/plain; charset=utf-8' })],
    ['a content type with a space', wireFile(bytes, { contentType: 'image/ png' })],
    ['a content type without a subtype', wireFile(bytes, { contentType: 'image' })],
    ['a content type with CR LF', wireFile(bytes, { contentType: 'image/png\r\n' })],
    ['an MD5 that is not hex', wireFile(bytes, { md5: 'z'.repeat(32) })],
    ['an MD5 of 31 digits', wireFile(bytes, { md5: '0'.repeat(31) })],
    ['an MD5 that is a number', wireFile(bytes, { md5: 123 })],
    ['a negative size', wireFile(bytes, { size: -1 })],
    ['a fractional size', wireFile(bytes, { size: 3.5 })],
    ['a size as a string', wireFile(bytes, { size: '4' })],
    ['a size over 20 MiB', wireFile(bytes, { size: MAX_ACTION_FILE_BYTES + 1 })],
    ['a size one less than the bytes', wireFile(bytes, { size: 3 })],
    ['a size one more than the bytes', wireFile(bytes, { size: 5 })],
    ['base64 with a character outside the alphabet', wireFile(bytes, { base64: 'AQID-A==' })],
    ['base64 without its padding', wireFile(bytes, { base64: 'AQIDBA' })],
    ['base64 with padding in the middle', wireFile(bytes, { base64: 'AQ==BA==' })],
    ['base64 with whitespace', wireFile(bytes, { base64: 'AQID BA=' })],
    ['a whole data: URL instead of base64', wireFile(bytes, { base64: 'data:image/png;base64,AQIDBA==' })],
    ['base64 that is not a string', wireFile(bytes, { base64: [1, 2, 3, 4] })],
    ['bytes as an object (what Chrome makes of an ArrayBuffer)', wireFile(bytes, { base64: {} })],
  ])('%s', (_case, value) => {
    expect(refusal(value)).toEqual(invalid);
  });

  it('names where the bad file is', () => {
    expect(() => decodeFile(wireFile(bytes, { size: 5 }), 'multipart[2].file')).toThrow(
      'multipart[2].file holds 4 bytes, not the 5 it declares',
    );
  });
});

describe('isDispositionValue and isMediaType', () => {
  it.each([
    ['photo.png', true],
    ['a b c', true],
    ['ünïcödé', true],
    ['', false],
    ['a"b', false],
    ['a\\b', false],
    ['a\rb', false],
    ['a\tb', false],
    ['a\u007fb', false],
    [42, false],
  ])('%j is a Content-Disposition value: %s', (value, expected) => {
    expect(isDispositionValue(value)).toBe(expected);
  });

  it.each([
    ['image/png', true],
    ['application/vnd.ms-excel', true],
    ['video/mp4', true],
    ['image/svg+xml', true],
    ['image', false],
    ['image/', false],
    ['/png', false],
    ['image/png;q=1', false],
    ['image /png', false],
    ['image/png ', false],
    ['*/*', false],
    [null, false],
  ])('%j is a media type without parameters: %s', (value, expected) => {
    expect(isMediaType(value)).toBe(expected);
  });
});

describe('dataUrlOf', () => {
  it('gives the Blob’s bytes and type, beyond the 32 KiB pieces it is built in', async () => {
    const bytes = everyByte(3 * 0x8000 + 5);
    const url = await dataUrlOf(new Blob([bytes], { type: 'image/png' }));
    expect(url.startsWith('data:image/png;base64,')).toBe(true);
    expect(new Uint8Array(Buffer.from(url.slice('data:image/png;base64,'.length), 'base64'))).toEqual(bytes);
  });

  it('calls an untyped Blob application/octet-stream, and an empty one has no bytes', async () => {
    expect(await dataUrlOf(new Blob([new Uint8Array([255])]))).toBe('data:application/octet-stream;base64,/w==');
    expect(await dataUrlOf(new Blob([], { type: 'image/gif' }))).toBe('data:image/gif;base64,');
  });
});
