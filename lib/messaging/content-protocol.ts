import { FileTooLarge } from '../errors/extension-error';
import type { Parameter } from '../oauth1/form-encoding';
import type { ProxyResponse } from '../protocol';

export { FileTooLarge };

import type { FileBytes, ReceivedFile, WireFile } from './content-files';

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

/**
 * Content script → background. The parameter as its handler gets it, once
 * CONTENT_PARAMS (content-params.ts) has checked it: a content script sends
 * a SignedActionMessage (content-channel.ts), and the check decodes its files.
 */
export interface ContentToBackground {
  requestSignedAction(params: SignedActionRequest): SignedActionResult;
}

/** The files of a request, described (for the consent window and the activity log). */
export function fileSummaries(request: Pick<SignedActionRequest, 'multipart' | 'raw'>): FileSummary[] {
  const files = (request.multipart ?? []).flatMap((field) => ('file' in field ? [field.file] : []));
  if (request.raw) files.push(request.raw);
  return files.map((f) => ({ filename: f.filename, contentType: f.contentType, size: f.bytes.size }));
}

/** Whether a method changes something at the provider: those can be set to need the user's yes every time. */
export function isWrite(method: SignedActionMethod): boolean {
  return method !== 'GET';
}
