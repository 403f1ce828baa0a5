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

  it('writes the bytes undici’s FormData writes for the same entries, but for the boundary', async () => {
    const body = multipartBody(entries);
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(body.contentType)?.[1] as string;
    expect(boundary).toMatch(/^----formdata-companion-[0-9a-f]{32}$/);
    const theirs = await undiciEncoding(entries);
    expect(joined(body.pieces).toString('latin1')).toBe(
      theirs.bytes.toString('latin1').replaceAll(theirs.boundary, boundary),
    );
    expect(body.length).toBe(joined(body.pieces).byteLength);
  });

  it('escapes quotes, CR and LF in names and file names as the HTML standard says', async () => {
    const odd: MultipartEntry[] = [
      { name: 'a"b\nc', value: 'v' },
      { name: 'f\r', filename: 'x"y\n.png', contentType: 'image/png', bytes: Buffer.from('z') },
    ];
    const body = multipartBody(odd);
    const text = joined(body.pieces).toString('latin1');
    expect(text).toContain('name="a%22b%0D%0Ac"');
    expect(text).toContain('name="f%0D%0A"; filename="x%22y%0A.png"');
    const theirs = await undiciEncoding(odd);
    const boundary = body.contentType.split('boundary=')[1] as string;
    expect(text).toBe(theirs.bytes.toString('latin1').replaceAll(theirs.boundary, boundary));
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

  it('references each file’s bytes instead of copying them, and joins the text around them', () => {
    const body = multipartBody(entries);
    expect(body.pieces).toHaveLength(5);
    expect(body.pieces[1]).toBe(photo);
    expect(body.pieces[3]).toBe(notes);
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
