import { createHash } from 'node:crypto';
import type { Parameter } from '../../lib/oauth1';
import { isFileField, type ProxyRequest } from '../../lib/protocol';
import type { Provider } from '../config/providers';
import { CompanionError } from '../errors';
import type { ReceivedFile } from '../http/read-proxy-input';
import { type BytesBody, type MultipartEntry, multipartBody, rawBody } from './multipart-body';

/** A body with files, ready for the transport, and the fields its provider's rule signs. */
export interface UploadBody {
  /**
   * multipart/form-data with its boundary, or the raw bytes under their
   * declared type; either way its pieces reference the received files' buffers.
   */
  readonly body: BytesBody;
  /** Text fields covered by the signature: Flickr's rule (`all-but-files`); none by RFC 5849's. */
  readonly signedFields: readonly Parameter[];
}

/**
 * Refuses a body the provider's preset does not take, before any byte of it is read.
 * @throws CompanionError upload_not_allowed
 */
export function checkUploadAllowed(provider: Provider, request: ProxyRequest): void {
  if (request.multipart && !provider.uploads?.multipart) {
    throw new CompanionError('upload_not_allowed', `${provider.name} takes no multipart bodies through the companion`);
  }
  if (request.raw && !provider.uploads?.raw) {
    throw new CompanionError('upload_not_allowed', `${provider.name} takes no raw bodies through the companion`);
  }
  if (contentMd5Of(request.headers) !== undefined && !request.raw) {
    throw new CompanionError('invalid_request', 'content-md5 goes with a raw body only');
  }
}

/**
 * The upstream body of a `multipart` or `raw` request; undefined for any other.
 * Files are referenced, never copied.
 */
export function uploadBody(
  provider: Provider,
  request: ProxyRequest,
  files: ReadonlyMap<string, ReceivedFile>,
): UploadBody | undefined {
  if (request.raw) {
    return { body: rawBody(request.raw.contentType, fileOf(files, request.raw.file).bytes), signedFields: [] };
  }
  if (!request.multipart) return undefined;
  const entries: MultipartEntry[] = [];
  const signedFields: Parameter[] = [];
  for (const field of request.multipart) {
    if (isFileField(field)) {
      const { bytes } = fileOf(files, field.file);
      entries.push({ name: field.name, filename: field.filename, contentType: field.contentType, bytes });
    } else {
      entries.push({ name: field.name, value: field.value });
      // Flickr: "all of the arguments, except the photo itself, must be signed"
      // (https://www.flickr.com/services/api/upload.api.html).
      if (provider.uploads?.multipart?.signedFields === 'all-but-files') signedFields.push([field.name, field.value]);
    }
  }
  return { body: multipartBody(entries), signedFields };
}

/**
 * The request headers a provider's uploads need, from the extension's, by the
 * preset's list (lowercase names). A `content-md5` must match the raw body:
 * as 32 hex digits or RFC 1864's base64 of the digest.
 * @throws CompanionError upload_mismatch
 */
export function uploadHeaders(
  provider: Provider,
  request: ProxyRequest,
  files: ReadonlyMap<string, ReceivedFile>,
): Record<string, string> {
  const allowed = new Set(provider.uploads?.headers ?? []);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (allowed.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
  }
  const md5 = headers['content-md5'];
  if (md5 !== undefined && request.raw) {
    const file = fileOf(files, request.raw.file);
    const digest = file.md5 ?? createHash('md5').update(file.bytes).digest('hex');
    const asBase64 = Buffer.from(digest, 'hex').toString('base64');
    if (md5.toLowerCase() !== digest && md5 !== asBase64) {
      throw new CompanionError('upload_mismatch', `content-md5 ${md5} is not the MD5 of the body: nothing was sent`);
    }
  }
  return headers;
}

function contentMd5Of(headers: ProxyRequest['headers']): string | undefined {
  return Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'content-md5')?.[1];
}

function fileOf(files: ReadonlyMap<string, ReceivedFile>, name: string): ReceivedFile {
  const file = files.get(name);
  // readProxyInput refuses a request whose declared files did not all arrive: this is a bug if it happens.
  if (!file) throw new Error(`the bytes of part "${name}" were not received`);
  return file;
}
