/**
 * Files a content script sends with a signed action, and how they cross
 * runtime messaging. Chrome's messaging is JSON-only (an ArrayBuffer or a Blob
 * arrives as `{}`), Firefox's is a structured clone; base64 strings arrive
 * intact in both, so that is the one wire form. A 20 MiB file becomes 27 MiB
 * of text, under Chrome's 64 MiB message limit.
 */

/** What a content script may pass as a file's bytes. */
export type FileBytes = Blob | ArrayBuffer | ArrayBufferView;

/** The most file bytes one signed action may carry (all files together): the companion's default upload limit. */
export const MAX_ACTION_FILE_BYTES = 20 * 1024 * 1024;
/** The most files one signed action may carry. */
export const MAX_ACTION_FILES = 10;

/** A file on the wire. */
export interface WireFile {
  readonly filename: string;
  readonly contentType: string;
  /** Bytes, as declared; checked against the decoded base64. */
  readonly size: number;
  readonly base64: string;
  /** MD5 of the bytes, 32 hex digits: passed on for the companion to check. */
  readonly md5?: string;
}

/** A file as the background holds it once the message is checked. */
export interface ReceivedFile {
  readonly filename: string;
  readonly contentType: string;
  readonly bytes: Blob;
  readonly md5?: string;
}

/** The same rules as the companion's (lib/protocol/upload-parts.ts), checked here for a clear early error. */
export const DISPOSITION_VALUE = /^[^\p{Cc}"\\]{1,255}$/u;
export const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;
export const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Whether a part name or file name can go into a Content-Disposition header: no control characters, `"` or `\`. */
export function isDispositionValue(text: unknown): text is string {
  return typeof text === 'string' && DISPOSITION_VALUE.test(text);
}

/** Whether a content type is a media type without parameters (RFC 6838 section 4.2). */
export function isMediaType(text: unknown): text is string {
  return typeof text === 'string' && MEDIA_TYPE.test(text);
}

/**
 * A file's bytes as base64, in the content script. A Blob is read by the
 * browser (FileReader), never byte by byte in script.
 */
export async function encodeFile(
  bytes: FileBytes,
  described: { filename?: string | undefined; contentType?: string | undefined; md5?: string | undefined },
): Promise<WireFile> {
  const blob = bytes instanceof Blob ? bytes : new Blob([bytes as BlobPart]);
  const dataUrl = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
  const filename = described.filename ?? (bytes instanceof File ? bytes.name : 'blob');
  const contentType = described.contentType ?? (blob.type || 'application/octet-stream');
  return {
    filename,
    contentType,
    size: blob.size,
    // Chrome reads an empty Blob as "data:", without a comma (Firefox: "data:application/octet-stream;base64,").
    base64: blob.size === 0 ? '' : dataUrl.slice(dataUrl.indexOf(',') + 1),
    ...(described.md5 === undefined ? {} : { md5: described.md5 }),
  };
}

/** Base64 to bytes: one pass over atob's binary string. */
export function fromBase64(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A Blob as a data: URL (for an image preview), built in 32 KiB pieces so no call gets too many arguments. */
export async function dataUrlOf(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let at = 0; at < bytes.length; at += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  }
  return `data:${blob.type || 'application/octet-stream'};base64,${btoa(binary)}`;
}
