import { FileTooLarge, InvalidMessage } from '../errors/extension-error';
import type { Parameter } from '../oauth1/form-encoding';
import type { ProxyResponse } from '../protocol';

export { FileTooLarge };

import {
  decodeFile,
  type FileBytes,
  isDispositionValue,
  isMediaType,
  MAX_ACTION_FILE_BYTES,
  MAX_ACTION_FILES,
  type ReceivedFile,
  type WireFile,
} from './content-files';

export type SignedActionMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The fields every signed action has, whatever its body. */
interface SignedActionBase {
  readonly provider: string;
  /** One of the user's accounts; left out, the site's consented account (or the only one) is used. */
  readonly accountId?: string;
  readonly method: SignedActionMethod;
  readonly url: string;
  readonly query?: readonly Parameter[];
  readonly form?: readonly Parameter[];
  readonly json?: unknown;
  /**
   * Request headers: the companion passes on only a few harmless ones and
   * those the provider's uploads need (SmugMug's X-Smug-…); the rest are dropped.
   */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Asks the user once for this request and up to `requests` more to URLs
   * under `under`, within ten minutes: the steps of one action, such as a
   * chunked upload. `files` describe what the steps will upload (shown in the
   * consent window; the steps may not upload more bytes than they add up to).
   * The answer carries the `sequence` id the later steps name in `inSequence`.
   */
  readonly sequence?: {
    readonly under: string;
    readonly requests: number;
    readonly files?: readonly FileSummary[];
  };
  /** A later step of a sequence: the id the first step's answer gave. No question is asked. */
  readonly inSequence?: string;
}

/** A file as the consent window and the activity log describe it: never its bytes. */
export interface FileSummary {
  readonly filename: string;
  readonly contentType: string;
  /** Bytes. */
  readonly size: number;
}

/**
 * What a content script asks for: one API call, signed by the companion as a
 * connected account. No origin here: the background takes the page's origin
 * from the browser, never from the message. Files go in `multipart` (file
 * fields beside text fields) or `raw` (the whole body), at most
 * MAX_ACTION_FILE_BYTES (20 MiB) in all.
 */
export interface SignedActionInput extends SignedActionBase {
  readonly multipart?: readonly (
    | { readonly name: string; readonly value: string }
    | {
        readonly name: string;
        readonly file: FileBytes;
        /** Default: the File's name, else "blob". */
        readonly filename?: string;
        /** Default: the Blob's type, else application/octet-stream. */
        readonly contentType?: string;
        /** MD5 of the bytes (32 hex digits), for the companion to check before sending. */
        readonly md5?: string;
      }
  )[];
  readonly raw?: { readonly file: FileBytes; readonly contentType?: string; readonly md5?: string };
}

/** The request as it crosses runtime messaging: files as base64 (content-files.ts). */
export interface SignedActionMessage extends SignedActionBase {
  readonly multipart?: readonly WireMultipartField[];
  readonly raw?: WireFile;
}
export type WireMultipartField =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly file: WireFile };

/** The request as the background acts on it: checked, files decoded. */
export interface SignedActionRequest extends SignedActionBase {
  readonly multipart?: readonly MultipartField[];
  readonly raw?: ReceivedFile;
}
export type MultipartField =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly file: ReceivedFile };

/** The provider's answer, and which account made the call. */
export interface SignedActionResult extends ProxyResponse {
  readonly account: { readonly id: string; readonly provider: string; readonly screenName: string };
  /** For the first step of a `sequence`: the id its later steps name in `inSequence`. */
  readonly sequence?: string;
}

/** Content script → background. */
export interface ContentToBackground {
  requestSignedAction(params: SignedActionMessage): SignedActionResult;
}

const METHODS: readonly string[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const MAX_PAIRS = 200;
const MAX_JSON_CHARS = 200_000;

/**
 * The request as the background accepts it, or InvalidMessage saying what is
 * wrong. Hand-written, not zod: this runs in the extension, where every
 * kilobyte counts; the companion checks the same rules again with zod.
 */
export function parseSignedActionRequest(params: unknown): SignedActionRequest {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new InvalidMessage('the request must be an object');
  }
  const input = params as Record<string, unknown>;
  const unknownField = Object.keys(input).find((k) => !REQUEST_FIELDS.includes(k));
  if (unknownField !== undefined) throw new InvalidMessage(`unknown field "${unknownField}"`);
  const { provider, accountId, method, url } = input;
  if (typeof provider !== 'string' || !/^[a-z][a-z0-9-]{0,31}$/.test(provider)) {
    throw new InvalidMessage('provider must be a provider id such as "x"');
  }
  if (accountId !== undefined && (typeof accountId !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(accountId))) {
    throw new InvalidMessage('accountId must be an account id');
  }
  if (typeof method !== 'string' || !METHODS.includes(method)) {
    throw new InvalidMessage(`method must be one of ${METHODS.join(', ')}`);
  }
  if (typeof url !== 'string' || url.length > 4096 || !/^https?:\/\//i.test(url) || !URL.canParse(url)) {
    throw new InvalidMessage('url must be an absolute http(s) URL');
  }
  const query = pairs(input.query, 'query');
  const form = pairs(input.form, 'form');
  if (input.json !== undefined && jsonLength(input.json) > MAX_JSON_CHARS) {
    throw new InvalidMessage(`json must be under ${MAX_JSON_CHARS} characters once serialised`);
  }
  const bodies = (['form', 'json', 'multipart', 'raw'] as const).filter((kind) => input[kind] !== undefined);
  if (bodies.length > 1) throw new InvalidMessage(`one body at most, not ${bodies.join(' and ')}`);
  if (method === 'GET' && bodies.length > 0) throw new InvalidMessage('a GET request has no body');
  if ([...(query ?? []), ...(form ?? [])].some(([name]) => name.startsWith('oauth_'))) {
    throw new InvalidMessage('oauth_ parameters are the companion’s to set');
  }
  checkFileCount(input.multipart, input.raw);
  const multipart = multipartFields(input.multipart);
  const raw = input.raw === undefined ? undefined : decodeFile(input.raw, 'raw');
  const headers = headerRecord(input.headers);
  const sequence = sequenceOf(input.sequence);
  if (
    input.inSequence !== undefined &&
    (typeof input.inSequence !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(input.inSequence))
  ) {
    throw new InvalidMessage('inSequence must be the id a sequence’s first answer gave');
  }
  if (sequence && input.inSequence !== undefined)
    throw new InvalidMessage('a request starts a sequence or continues one');
  return {
    provider,
    method: method as SignedActionMethod,
    url,
    ...(accountId === undefined ? {} : { accountId: accountId as string }),
    ...(query === undefined ? {} : { query }),
    ...(form === undefined ? {} : { form }),
    ...(input.json === undefined ? {} : { json: input.json }),
    ...(multipart === undefined ? {} : { multipart }),
    ...(raw === undefined ? {} : { raw }),
    ...(headers === undefined ? {} : { headers }),
    ...(sequence === undefined ? {} : { sequence }),
    ...(input.inSequence === undefined ? {} : { inSequence: input.inSequence as string }),
  };
}

const REQUEST_FIELDS = [
  'provider',
  'accountId',
  'method',
  'url',
  'query',
  'form',
  'json',
  'multipart',
  'raw',
  'headers',
  'sequence',
  'inSequence',
];

/** Refuses too many files, or too many bytes, before any is decoded: `file_too_large`. */
function checkFileCount(multipart: unknown, raw: unknown): void {
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
}

function multipartFields(value: unknown): MultipartField[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.length > 50) {
    throw new InvalidMessage('multipart must be a list of 1 to 50 fields');
  }
  const fields: MultipartField[] = [];
  for (let i = 0; i < value.length; i++) {
    const field: unknown = value[i];
    const where = `multipart[${i}]`;
    if (typeof field !== 'object' || field === null) throw new InvalidMessage(`${where} must be a field`);
    const { name, value: text, file, ...rest } = field as Record<string, unknown>;
    if (Object.keys(rest).length > 0) throw new InvalidMessage(`${where}: unknown field "${Object.keys(rest)[0]}"`);
    if (!isDispositionValue(name) || name.length > 200) {
      throw new InvalidMessage(`${where}.name must be 1 to 200 characters without control characters, quotes or \\`);
    }
    if (file !== undefined && text === undefined) fields.push({ name, file: decodeFile(file, `${where}.file`) });
    else if (typeof text === 'string' && text.length <= 65536 && file === undefined) fields.push({ name, value: text });
    else throw new InvalidMessage(`${where} has a string value (up to 65,536 characters) or a file`);
  }
  return fields;
}

function headerRecord(value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidMessage('headers must be an object of names and values');
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 30) throw new InvalidMessage('at most 30 headers');
  for (const [name, text] of entries) {
    // The companion's rules: a token of letters, digits and -, and a value without control characters.
    if (
      !/^[A-Za-z0-9-]{1,64}$/.test(name) ||
      typeof text !== 'string' ||
      text.length > 1024 ||
      !/^[\t\x20-\x7e\x80-\xff]*$/.test(text)
    ) {
      throw new InvalidMessage(
        `header ${name.slice(0, 64)} must be a name of letters, digits and - with a value without control characters`,
      );
    }
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

function sequenceOf(value: unknown): SignedActionBase['sequence'] {
  if (value === undefined) return undefined;
  const refuse = () =>
    new InvalidMessage(
      'sequence must be { under: an https URL, requests: 1 to 1000, files?: [{ filename, contentType, size }] }',
    );
  if (typeof value !== 'object' || value === null) throw refuse();
  const { under, requests, files, ...rest } = value as Record<string, unknown>;
  if (
    Object.keys(rest).length > 0 ||
    typeof under !== 'string' ||
    !/^https?:\/\//i.test(under) ||
    !URL.canParse(under)
  ) {
    throw refuse();
  }
  if (typeof requests !== 'number' || !Number.isInteger(requests) || requests < 1 || requests > 1000) throw refuse();
  if (files !== undefined && (!Array.isArray(files) || files.length > MAX_ACTION_FILES)) throw refuse();
  const summaries: FileSummary[] = [];
  for (const file of (files ?? []) as unknown[]) {
    const { filename, contentType, size } = (file ?? {}) as Record<string, unknown>;
    if (
      !isDispositionValue(filename) ||
      !isMediaType(contentType) ||
      typeof size !== 'number' ||
      !Number.isInteger(size) ||
      size < 0
    ) {
      throw refuse();
    }
    summaries.push({ filename, contentType, size });
  }
  return { under, requests, ...(files === undefined ? {} : { files: summaries }) };
}

/** The files of a request, described (for the consent window and the activity log). */
export function fileSummaries(request: Pick<SignedActionRequest, 'multipart' | 'raw'>): FileSummary[] {
  const files = (request.multipart ?? []).flatMap((field) => ('file' in field ? [field.file] : []));
  if (request.raw) files.push(request.raw);
  return files.map((f) => ({ filename: f.filename, contentType: f.contentType, size: f.bytes.size }));
}

function pairs(value: unknown, field: string): Parameter[] | undefined {
  if (value === undefined) return undefined;
  const refuse = () => new InvalidMessage(`${field} must be a list of at most ${MAX_PAIRS} [name, value] string pairs`);
  if (!Array.isArray(value) || value.length > MAX_PAIRS) throw refuse();
  const checked: Parameter[] = [];
  // Indexed, not every(): every() skips the holes of a sparse array.
  for (let i = 0; i < value.length; i++) {
    const p: unknown = value[i];
    if (!Array.isArray(p) || p.length !== 2) throw refuse();
    const [name, text] = p as unknown[];
    if (typeof name !== 'string' || typeof text !== 'string' || name.length > 4096 || text.length > 65536) {
      throw refuse();
    }
    checked.push([name, text]);
  }
  return checked;
}

function jsonLength(value: unknown): number {
  try {
    return JSON.stringify(value)?.length ?? Number.POSITIVE_INFINITY;
  } catch {
    throw new InvalidMessage('json must be serialisable');
  }
}

/** Whether a method changes something at the provider: those can be set to need the user's yes every time. */
export function isWrite(method: SignedActionMethod): boolean {
  return method !== 'GET';
}
