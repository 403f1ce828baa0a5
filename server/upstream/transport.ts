import { Readable } from 'node:stream';
import { Agent, type Dispatcher, errors } from 'undici';
import { CompanionError } from '../errors';
import { AnswerReader } from './answer-reader';
import { isBytesBody } from './multipart-body';
import { readLimited } from './read-limited';
import type { UpstreamRequest, UpstreamResponse } from './upstream-call';

export type { AnswerHeaders, UpstreamBody, UpstreamRequest, UpstreamResponse } from './upstream-call';

/**
 * How the companion reaches providers: never follows redirects, gives up
 * after `timeoutMs`, holds at most `maxResponseBytes`, and only what its
 * reservation can take. Failures are CompanionErrors (upstream_timeout,
 * upstream_too_large, provider_error, companion_busy).
 */
export type Transport = (request: UpstreamRequest) => Promise<UpstreamResponse>;

/**
 * The production transport: undici's dispatcher (a keep-alive pool per
 * origin), its answers read by AnswerReader. It costs a fraction of `fetch`
 * per call (no WHATWG streams), and half of undici's `request()`
 * (answer-reader.ts), which matters on the proxy's hot path.
 * `Dispatcher.dispatch` is undici's lowest API, which it may change in a
 * major version: undici's version is pinned in package.json.
 */
export function undiciTransport(): Transport {
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 128, pipelining: 1 });
  return (call) => {
    const target = new URL(call.url);
    const reader = new AnswerReader(call, (error) => transportError(error, call));
    // One deadline for the whole exchange, from now (waiting for a connection included): undici's
    // own timeouts (kept as a second line) restart with every chunk and start once the request is sent.
    const timer = setTimeout(() => reader.expire(), call.timeoutMs);
    try {
      dispatcher.dispatch(
        {
          origin: target.origin,
          path: `${target.pathname}${target.search}`,
          method: call.method as Dispatcher.HttpMethod,
          ...undiciBody(call),
          headersTimeout: call.timeoutMs,
          bodyTimeout: call.timeoutMs,
        },
        reader,
      );
    } catch (error) {
      reader.onResponseError(undefined, error as Error);
    }
    return reader.settled.finally(() => clearTimeout(timer));
  };
}

/** A transport over a fetch function: for tests that answer in process, and anywhere undici is not wanted. */
export function fetchTransport(fetchImpl: typeof fetch): Transport {
  return async (call) => {
    let response: Response;
    try {
      const body = call.body;
      response = await fetchImpl(call.url, {
        method: call.method,
        headers: isBytesBody(body) ? { 'content-type': body.contentType, ...call.headers } : call.headers,
        // fetch writes the Content-Length of a Blob (the pieces are copied into it: this transport is for tests).
        body: isBytesBody(body) ? new Blob(body.pieces as Uint8Array<ArrayBuffer>[]) : body,
        redirect: 'manual',
        signal: AbortSignal.timeout(call.timeoutMs),
      });
    } catch (error) {
      throw transportError(error, call);
    }
    return {
      status: response.status,
      headers: response.headers,
      body: await readLimited(response, call.maxResponseBytes, call.reservation),
    };
  };
}

/**
 * Headers and body for undici's request(): bytes are written piece by piece
 * from where they are held, with their exact length (so the provider gets
 * Content-Length, never chunked encoding).
 */
function undiciBody(call: UpstreamRequest): {
  headers: Record<string, string>;
  body: string | Uint8Array | Readable | null;
} {
  const body = call.body;
  if (!isBytesBody(body)) return { headers: { ...call.headers }, body };
  return {
    headers: { 'content-type': body.contentType, ...call.headers, 'content-length': String(body.length) },
    // One piece (a raw body) is written at once; several are streamed, each written as it is (not copied).
    body: body.pieces.length === 1 ? (body.pieces[0] as Uint8Array) : Readable.from(body.pieces, { objectMode: false }),
  };
}

function transportError(error: unknown, call: UpstreamRequest): CompanionError {
  const timedOut =
    (error as Error).name === 'TimeoutError' ||
    error instanceof errors.HeadersTimeoutError ||
    error instanceof errors.BodyTimeoutError ||
    error instanceof errors.ConnectTimeoutError;
  const host = new URL(call.url).host;
  return timedOut
    ? new CompanionError('upstream_timeout', `${host} did not answer within ${call.timeoutMs} ms`)
    : new CompanionError('provider_error', `${host} could not be reached: ${(error as Error).message}`);
}
