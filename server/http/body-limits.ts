import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { CompanionError } from '../errors';
import type { CompanionEnv } from './env';

/** The largest JSON body accepted, and the largest `request` part of an upload: API calls, not files. */
export const MAX_BODY_BYTES = 256 * 1024;

/** Room for a multipart body's boundaries and part headers (each part's are at most a few hundred bytes). */
const MULTIPART_FRAMING_BYTES = 64 * 1024;

/** The largest multipart body of an upload whose files hold `maxUploadBytes`: its files, a request part, framing. */
export function uploadBodyLimitBytes(maxUploadBytes: number): number {
  return MAX_BODY_BYTES + maxUploadBytes + MULTIPART_FRAMING_BYTES;
}

/**
 * The body limit of every /v1 route: MAX_BODY_BYTES, except for the proxy's
 * multipart requests (uploads), which may carry `maxUploadBytes` of files
 * besides (read-proxy-input.ts checks each file against its declared size).
 * Past it: 413 `body_too_large` with `limitBytes`, and the connection closes,
 * since the rest of the body is left unread.
 *
 * An upload's body is never read here: its Content-Length is checked now, and
 * a body sent without one is counted by read-proxy-input.ts as it streams.
 * Hono's bodyLimit would read such a body whole into memory before the answer
 * budget is asked (a 20 MB upload cost 77 MB), and merely asking for the body
 * makes @hono/node-server wrap it in a web stream that copies every chunk.
 */
export function v1BodyLimit(maxUploadBytes: number): MiddlewareHandler<CompanionEnv> {
  const streamed = limitOf(MAX_BODY_BYTES, MAX_BODY_BYTES);
  const json: MiddlewareHandler<CompanionEnv> = (c, next) => {
    // A body of declared length is judged by its Content-Length, which Node's parser holds it to, and
    // a GET's is never read. Anything else (a chunked body; a request built without either header, as
    // app.request() builds them) goes through Hono's bodyLimit, which counts the body as it streams.
    // Asking for `c.req.raw.body` makes @hono/node-server build a whole web Request, an
    // AbortController and a ReadableStream, and read the body through them rather than straight from
    // node:http: for every call, about 15 % of the companion's CPU per proxied call in a profile.
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number(length) > MAX_BODY_BYTES) throw bodyTooLarge(MAX_BODY_BYTES);
      return next();
    }
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    return streamed(c, next);
  };
  const uploadMax = uploadBodyLimitBytes(maxUploadBytes);
  return (c, next) => {
    const isUpload =
      c.req.method === 'POST' &&
      /^\/v1\/accounts\/[^/]+\/requests$/.test(c.req.path) &&
      /^multipart\/form-data\s*;/i.test(c.req.header('content-type') ?? '');
    if (!isUpload) return json(c, next);
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined && Number(length) > uploadMax) {
      throw bodyTooLarge(maxUploadBytes);
    }
    return next();
  };
}

/** 413 `body_too_large` naming `limitBytes`, the limit the caller controls; the connection closes after it. */
export function bodyTooLarge(limitBytes: number): CompanionError {
  return new CompanionError(
    'body_too_large',
    `the body is larger than ${limitBytes === MAX_BODY_BYTES ? `${MAX_BODY_BYTES} bytes` : `the upload limit (${limitBytes} bytes of files)`}`,
    undefined,
    { connection: 'close' },
    { limitBytes },
  );
}

/** Hono's bodyLimit at `maxSize` bytes. */
function limitOf(maxSize: number, limitBytes: number): MiddlewareHandler<CompanionEnv> {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw bodyTooLarge(limitBytes);
    },
  });
}
