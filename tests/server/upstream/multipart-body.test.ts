import { randomBytes } from 'node:crypto';
import { FormData as UndiciFormData, Response as UndiciResponse } from 'undici';
import { describe, expect, it } from 'vitest';
import { type MultipartEntry, multipartBody, rawBody } from '../../../server/upstream/multipart-body';

const joined = (pieces: readonly Uint8Array[]) => Buffer.concat(pieces);

/** What undici's FormData sends for the same entries, with its boundary. */
async function undiciEncoding(entries: readonly MultipartEntry[]): Promise<{ boundary: string; bytes: Buffer }> {
  const form = new UndiciFormData();
  for (const entry of entries) {
    if ('value' in entry) form.append(entry.name, entry.value);
    else form.append(entry.name, new Blob([new Uint8Array(entry.bytes)], { type: entry.contentType }), entry.filename);
  }
  const response = new UndiciResponse(form);
  const boundary = /boundary=(.+)$/.exec(response.headers.get('content-type') ?? '')?.[1] as string;
  return { boundary, bytes: Buffer.from(await response.arrayBuffer()) };
}

describe('multipartBody', () => {
  const photo = randomBytes(70_000);
  const notes = Buffer.from('plain');
  const entries: MultipartEntry[] = [
    { name: 'media_category', value: 'tweet_image' },
    { name: 'media', filename: 'photo.png', contentType: 'image/png', bytes: photo },
    { name: 'title', value: 'Line one\nline two\r\nline three\rend' },
    { name: 'tags', value: 'été, café 📷' },
    { name: 'second', filename: 'notes.txt', contentType: 'text/plain', bytes: notes },
  ];

  it('is what undici’s FormData would send, read back by a parser: the same entries in the same order', async () => {
    const body = multipartBody(entries);
    expect(body.contentType).toMatch(/^multipart\/form-data; boundary=\S+$/);
    expect(body.length).toBe(joined(body.pieces).byteLength);
    const ours = await new UndiciResponse(joined(body.pieces), {
      headers: { 'content-type': body.contentType },
    }).formData();
    const theirs = await undiciEncoding(entries);
    const reference = await new UndiciResponse(theirs.bytes, {
      headers: { 'content-type': `multipart/form-data; boundary=${theirs.boundary}` },
    }).formData();
    const described = async (form: Awaited<ReturnType<UndiciResponse['formData']>>) =>
      Promise.all(
        [...form.entries()].map(async ([name, value]) =>
          typeof value === 'string'
            ? [name, value]
            : [name, value.name, value.type, Buffer.from(await value.arrayBuffer()).toString('base64')],
        ),
      );
    expect(await described(ours)).toEqual(await described(reference));
  });

  it('escapes quotes in names and file names, so no parameter can end early', () => {
    const odd: MultipartEntry[] = [
      { name: 'a"b', value: 'v' },
      { name: 'f', filename: 'x"y.png', contentType: 'image/png', bytes: Buffer.from('z') },
    ];
    const text = joined(multipartBody(odd).pieces).toString('latin1');
    expect(text).toContain('name="a%22b"');
    expect(text).toContain('name="f"; filename="x%22y.png"');
  });

  it('is read back whole by a multipart parser, the file byte for byte', async () => {
    const body = multipartBody(entries);
    const form = await new Response(joined(body.pieces), { headers: { 'content-type': body.contentType } }).formData();
    expect(form.get('media_category')).toBe('tweet_image');
    expect(form.get('tags')).toBe('été, café 📷');
    expect(form.get('title')).toBe('Line one\r\nline two\r\nline three\r\nend');
    const media = form.get('media') as File;
    expect(media.name).toBe('photo.png');
    expect(media.type).toBe('image/png');
    expect(Buffer.from(await media.arrayBuffer()).equals(photo)).toBe(true);
  });

  it('references each file’s bytes instead of copying them; everything else is a few bytes of text', () => {
    const body = multipartBody(entries);
    expect(body.pieces.filter((piece) => piece === photo)).toHaveLength(1);
    expect(body.pieces.filter((piece) => piece === notes)).toHaveLength(1);
    const text = body.pieces.filter((piece) => piece !== photo && piece !== notes);
    expect(Math.max(...text.map((piece) => piece.byteLength))).toBeLessThan(200);
  });

  it('a new boundary for every body', () => {
    expect(multipartBody(entries).contentType).not.toBe(multipartBody(entries).contentType);
  });
});

describe('rawBody', () => {
  it('is the bytes as they are, under their type', () => {
    const bytes = randomBytes(1000);
    expect(rawBody('image/jpeg', bytes)).toEqual({ contentType: 'image/jpeg', length: 1000, pieces: [bytes] });
    expect(rawBody('image/jpeg', bytes).pieces[0]).toBe(bytes);
  });
});
