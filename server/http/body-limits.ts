import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { CompanionError } from '../errors';
import type { CompanionEnv } from './env';

/** The largest JSON body accepted, and the largest `request` part of an upload: API calls, not files. */
export const MAX_BODY_BYTES = 256 * 1024;

/** Room for a multipart body's boundaries and part headers (each part's are at most a few hundred bytes). */
const MULTIPART_FRAMING_BYTES = 64 * 1024;

/**
 * The body limit of every /v1 route: MAX_BODY_BYTES, except for the proxy's
 * multipart requests (uploads), which may carry `maxUploadBytes` of files
 * besides (read-proxy-input.ts checks each file against its declared size).
 * Past it: 413 `body_too_large` with `limitBytes`, and the connection closes,
 * since the rest of the body is left unread.
 */
export function v1BodyLimit(maxUploadBytes: number): MiddlewareHandler<CompanionEnv> {
  const json = limitOf(MAX_BODY_BYTES, MAX_BODY_BYTES);
  const upload = limitOf(MAX_BODY_BYTES + maxUploadBytes + MULTIPART_FRAMING_BYTES, maxUploadBytes);
  return (c, next) => {
    const isUpload =
      c.req.method === 'POST' &&
      /^\/v1\/accounts\/[^/]+\/requests$/.test(c.req.path) &&
      /^multipart\/form-data\s*;/i.test(c.req.header('content-type') ?? '');
    return (isUpload ? upload : json)(c, next);
  };
}

/** Hono's bodyLimit at `maxSize` bytes; the problem names `limitBytes`, the limit the caller controls. */
function limitOf(maxSize: number, limitBytes: number): MiddlewareHandler<CompanionEnv> {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new CompanionError(
        'body_too_large',
        `the body is larger than ${limitBytes === MAX_BODY_BYTES ? `${MAX_BODY_BYTES} bytes` : `the upload limit (${limitBytes} bytes of files)`}`,
        undefined,
        { connection: 'close' },
        { limitBytes },
      );
    },
  });
}
