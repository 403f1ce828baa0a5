import * as z from 'zod/mini';

/**
 * The pieces of a proxied request that carry files: multipart parts (RFC 7578)
 * and a raw body. The bytes travel beside the request, not inside its JSON:
 * each file part names the part of the companion's own multipart request that
 * holds them (`file`), and declares their size (and, optionally, MD5), which
 * the companion checks before anything reaches the provider.
 */

/**
 * A name or file name as it goes into a Content-Disposition parameter: no
 * control characters (CR and LF would split the header), no `"` or `\`
 * (which would end or escape the quoted string). RFC 7578 section 4.2.
 */
const DISPOSITION_VALUE = /^[^\p{Cc}"\\]+$/u;

export const PartName = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(200),
    z.regex(DISPOSITION_VALUE, 'a part name without control characters, quotes or backslashes'),
    z.describe('The form field name (RFC 7578 section 4.2): no CR, LF, `"` or `\\`.'),
  );

export const FileName = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(255),
    z.regex(DISPOSITION_VALUE, 'a file name without control characters, quotes or backslashes'),
    z.describe('The file name sent to the provider: no CR, LF, `"` or `\\`.'),
  );

/**
 * `type/subtype` of RFC 6838 section 4.2's restricted names, without
 * parameters: `image/png`, `video/mp4`, `application/octet-stream`.
 */
export const MediaType = z
  .string()
  .check(
    z.maxLength(255),
    z.regex(
      /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/,
      'a media type such as image/png (RFC 6838 section 4.2; no parameters)',
    ),
    z.describe('A media type such as `image/png` (RFC 6838 section 4.2), without parameters.'),
  );

/** The MD5 of a file's bytes, as 32 hexadecimal digits (what `md5sum` prints). */
export const Md5Hex = z
  .string()
  .check(
    z.regex(/^[0-9a-fA-F]{32}$/, 'an MD5 as 32 hexadecimal digits'),
    z.describe('The MD5 of the bytes, 32 hexadecimal digits: checked before the request is sent.'),
  );

/** Names the part of the companion's multipart request that holds a file's bytes. */
export const FileRef = z.string().check(
  z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'a part name of 1 to 64 letters, digits, _ or -'),
  z.refine((name) => name !== 'request', '"request" is the part that holds the request itself'),
  z.describe("The name of the part of this multipart request that holds the file's bytes."),
);

/** What the companion is told about a file before its bytes arrive. */
const FileBytes = {
  file: FileRef,
  size: z.int().check(z.minimum(0), z.describe('The exact number of bytes: checked against what arrives.')),
  md5: z.optional(Md5Hex),
};

export const MultipartTextField = z
  .strictObject({ name: PartName, value: z.string().check(z.maxLength(65536)) })
  .check(z.meta({ description: 'A text field of the multipart body.' }));

export const MultipartFileField = z
  .strictObject({
    name: PartName,
    filename: FileName,
    contentType: MediaType,
    ...FileBytes,
  })
  .check(z.meta({ description: 'A file field of the multipart body: its bytes are in the part named by `file`.' }));

export const MultipartField = z.union([MultipartTextField, MultipartFileField]);
export type MultipartField = z.infer<typeof MultipartField>;
export type MultipartFileField = z.infer<typeof MultipartFileField>;

export const RawBody = z
  .strictObject({ contentType: MediaType, ...FileBytes })
  .check(z.meta({ description: 'A body of bytes sent as they are (SmugMug-style uploads): never signed.' }));
export type RawBody = z.infer<typeof RawBody>;

/** Every file a request declares: multipart file fields and the raw body. */
export function declaredFiles(request: {
  readonly multipart?: readonly MultipartField[] | undefined;
  readonly raw?: RawBody | undefined;
}): { readonly file: string; readonly size: number; readonly md5?: string | undefined }[] {
  const files: { file: string; size: number; md5?: string | undefined }[] = (request.multipart ?? []).filter(
    isFileField,
  );
  return request.raw ? [...files, request.raw] : files;
}

/** Whether a field is a file (its bytes travel beside the request). */
export function isFileField(field: MultipartField): field is MultipartFileField {
  return 'file' in field;
}
