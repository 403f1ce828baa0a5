import * as z from 'zod/mini';
import { FileTooLarge, InvalidMessage } from '../errors/extension-error';
import { checkParams, type ParamsSchema } from './channel';
import {
  BASE64,
  DISPOSITION_VALUE,
  fromBase64,
  MAX_ACTION_FILE_BYTES,
  MAX_ACTION_FILES,
  MEDIA_TYPE,
  type ReceivedFile,
} from './content-files';
import type { SignedActionMethod, SignedActionRequest } from './content-protocol';

/*
 * The content scripts' message parameters as schemas (zod/mini), beside their
 * map (content-protocol.ts) but in a file of their own: only the background
 * imports this one, while the popup and the content scripts import the map's
 * types and helpers and must not bundle zod.
 */

/** A part name or file name that can go into a Content-Disposition header (`isDispositionValue`). */
const dispositionValue = z.string().check(z.regex(DISPOSITION_VALUE));
/** A media type without parameters (`isMediaType`). */
const mediaType = z.string().check(z.regex(MEDIA_TYPE));

/**
 * A file on the wire as the background accepts it (the WireFile shape, no
 * other field), decoded: a ReceivedFile whose Blob holds exactly the declared
 * `size` of bytes. Too many bytes for one action are refused before this
 * runs (CONTENT_PARAMS), so nothing over the limit is ever decoded.
 */
export const RECEIVED_FILE = z.pipe(
  z.strictObject({
    filename: dispositionValue,
    contentType: mediaType,
    size: z.int().check(z.gte(0), z.lte(MAX_ACTION_FILE_BYTES)),
    base64: z.string().check(
      z.regex(BASE64),
      z.refine((text) => text.length % 4 === 0, 'base64 comes in groups of four characters'),
    ),
    md5: z.optional(z.string().check(z.regex(/^[0-9a-fA-F]{32}$/))),
  }),
  z.transform((file, payload): ReceivedFile => {
    const bytes = fromBase64(file.base64);
    if (bytes.byteLength !== file.size) {
      payload.issues.push({
        code: 'custom',
        message: `holds ${bytes.byteLength} bytes, not the ${file.size} it declares`,
        input: file,
      });
    }
    return {
      filename: file.filename,
      contentType: file.contentType,
      bytes: new Blob([bytes], { type: file.contentType }),
      ...(file.md5 === undefined ? {} : { md5: file.md5.toLowerCase() }),
    };
  }),
);

/**
 * A wire file checked and decoded (RECEIVED_FILE) outside a message.
 * @throws InvalidMessage naming `where` and what is wrong
 */
export function decodeFile(value: unknown, where: string): ReceivedFile {
  const parsed = RECEIVED_FILE.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new InvalidMessage(`${[where, ...(issue?.path ?? [])].map(String).join('.')} ${issue?.message}`);
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const satisfies readonly SignedActionMethod[];
const MAX_PAIRS = 200;
const MAX_JSON_CHARS = 200_000;

const httpUrl = z.string().check(
  z.regex(/^https?:\/\//i, 'must be an absolute http(s) URL'),
  z.refine((url) => URL.canParse(url), 'must be an absolute http(s) URL'),
);
/** Query or form parameters: at most 200 [name, value] string pairs, in order, duplicates kept. */
const pairs = z.optional(
  z
    .array(z.tuple([z.string().check(z.maxLength(4096)), z.string().check(z.maxLength(65536))]))
    .check(z.maxLength(MAX_PAIRS)),
);
/** A header: the companion's rules, a token of letters, digits and - and a value without control characters. */
const headers = z
  .record(
    z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/)),
    z.string().check(z.maxLength(1024), z.regex(/^[\t\x20-\x7e\x80-\xff]*$/)),
  )
  .check(z.refine((record) => Object.keys(record).length <= 30, 'at most 30 headers'));
const multipartField = z.union([
  z.strictObject({ name: dispositionValue.check(z.maxLength(200)), value: z.string().check(z.maxLength(65536)) }),
  z.strictObject({ name: dispositionValue.check(z.maxLength(200)), file: RECEIVED_FILE }),
]);

/** The request's fields, each checked (files decoded), then the rules between them. */
const signedActionRequest = z
  .strictObject({
    provider: z.string().check(z.regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a provider id such as "x"')),
    accountId: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/))),
    method: z.enum(METHODS),
    url: httpUrl.check(z.maxLength(4096)),
    query: pairs,
    form: pairs,
    json: z.optional(
      z
        .unknown()
        .check(
          z.refine(
            (json) => json === undefined || jsonLength(json) <= MAX_JSON_CHARS,
            `must be serialisable, in under ${MAX_JSON_CHARS} characters`,
          ),
        ),
    ),
    multipart: z.optional(z.array(multipartField).check(z.minLength(1), z.maxLength(50))),
    raw: z.optional(RECEIVED_FILE),
    headers: z.optional(headers),
    sequence: z.optional(
      z.strictObject({
        under: httpUrl,
        requests: z.int().check(z.gte(1), z.lte(1000)),
        files: z.optional(
          z
            .array(z.object({ filename: dispositionValue, contentType: mediaType, size: z.int().check(z.gte(0)) }))
            .check(z.maxLength(MAX_ACTION_FILES)),
        ),
      }),
    ),
    inSequence: z.optional(z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/))),
  })
  .check(
    z.superRefine((request, payload) => {
      const refuse = (message: string) => payload.issues.push({ code: 'custom', message, input: request });
      const bodies = (['form', 'json', 'multipart', 'raw'] as const).filter((kind) => request[kind] !== undefined);
      if (bodies.length > 1) refuse(`one body at most, not ${bodies.join(' and ')}`);
      if (request.method === 'GET' && bodies.length > 0) refuse('a GET request has no body');
      if ([...(request.query ?? []), ...(request.form ?? [])].some(([name]) => name.startsWith('oauth_'))) {
        refuse('oauth_ parameters are the companion’s to set');
      }
      if (request.sequence && request.inSequence !== undefined) refuse('a request starts a sequence or continues one');
    }),
  );

/**
 * Refuses too many files, or too many declared bytes, before any field is
 * checked or any file decoded: FileTooLarge (`file_too_large`), thrown, the
 * one refusal of this map that is not an issue (`invalid_message`).
 */
const withinFileBudget = z.transform((params: unknown) => {
  const { multipart, raw } = (typeof params === 'object' && params !== null ? params : {}) as Record<string, unknown>;
  const files = [
    ...(Array.isArray(multipart) ? multipart : []).map((f) => (f as { file?: unknown } | null)?.file).filter(Boolean),
    ...(raw === undefined ? [] : [raw]),
  ] as { size?: unknown }[];
  const bytes = files.reduce((sum, f) => sum + (typeof f?.size === 'number' ? f.size : 0), 0);
  if (files.length > MAX_ACTION_FILES || bytes > MAX_ACTION_FILE_BYTES) {
    throw new FileTooLarge(
      `at most ${MAX_ACTION_FILES} files and ${MAX_ACTION_FILE_BYTES} bytes in one action (this one: ${files.length} files, ${bytes} bytes)`,
    );
  }
  return params;
});

/**
 * Each content message's parameters, as a schema (zod/mini, like the pages'
 * PAGE_PARAMS; the companion checks the same rules again with lib/protocol's).
 * The listener judges the sender first, then checks these (`withSchemas`,
 * channel.ts): the handler gets a SignedActionRequest, files decoded.
 * Unknown fields are refused (a claimed `origin` is never ignored quietly);
 * too many files or bytes are `file_too_large`, anything else of another
 * shape `invalid_message`.
 */
export const CONTENT_PARAMS = {
  // zod types an optional field `T | undefined`; absent and undefined are one here (exactOptionalPropertyTypes aside).
  requestSignedAction: z.pipe(withinFileBudget, signedActionRequest) as ParamsSchema<SignedActionRequest>,
};

/**
 * The request as the background accepts it (CONTENT_PARAMS), for callers
 * outside the channel.
 * @throws FileTooLarge, or InvalidMessage saying what is wrong
 */
export function parseSignedActionRequest(params: unknown): SignedActionRequest {
  return checkParams(CONTENT_PARAMS.requestSignedAction, params, 'requestSignedAction');
}

function jsonLength(value: unknown): number {
  try {
    return JSON.stringify(value)?.length ?? Number.POSITIVE_INFINITY;
  } catch {
    // A BigInt or a cycle: structured cloning carries both, JSON neither.
    return Number.POSITIVE_INFINITY;
  }
}
