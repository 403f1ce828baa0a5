import { Readable } from 'node:stream';
import { Agent, errors, request } from 'undici';
import { CompanionError } from '../errors';
import type { AnswerReservation } from './answer-budget';
import { type BytesBody, isBytesBody } from './multipart-body';
import { admitAnswerBytes, readLimited } from './read-limited';

/** A request body: text, or bytes held in memory (an upload: multipart-body.ts), sent with their Content-Type. */
export type UpstreamBody = string | BytesBody | null;

export interface UpstreamRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: UpstreamBody;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  /** Where the answer's bytes are accounted as they arrive: a full budget refuses the answer (companion_busy). */
  readonly reservation: AnswerReservation;
}

export interface UpstreamResponse {
  readonly status: number;
  readonly headers: AnswerHeaders;
  readonly body: Uint8Array;
}

/** What the companion reads of an answer's headers; web `Headers` (fetch's) has this shape too. */
export interface AnswerHeaders {
  /** The value by case-insensitive name, repeated headers joined with ", " (as `Headers.get`); null if absent. */
  get(name: string): string | null;
  /** Each header once, by lowercase name, in the order received. */
  forEach(callback: (value: string, name: string) => void): void;
}

/**
 * Headers by lowercase name, read as `AnswerHeaders`: undici's answers are
 * kept like this rather than copied into a web `Headers`, whose checks and
 * sorting cost 5 µs an answer (1 µs this way), measured alone.
 */
export class PlainHeaders implements AnswerHeaders {
  readonly #values: ReadonlyMap<string, string>;

  /** @param entries name and value pairs; names are lowercased, a repeated name's values joined with ", " */
  constructor(entries: Iterable<readonly [string, string | readonly string[] | undefined]>) {
    const values = new Map<string, string>();
    for (const [name, value] of entries) {
      if (value === undefined) continue;
      const lower = name.toLowerCase();
      const joined = typeof value === 'string' ? value : value.join(', ');
      const before = values.get(lower);
      values.set(lower, before === undefined ? joined : `${before}, ${joined}`);
    }
    this.#values = values;
  }

  get(name: string): string | null {
    return this.#values.get(name.toLowerCase()) ?? null;
  }

  forEach(callback: (value: string, name: string) => void): void {
    for (const [name, value] of this.#values) callback(value, name);
  }
}

/**
 * How the companion reaches providers: never follows redirects, gives up
 * after `timeoutMs`, holds at most `maxResponseBytes`, and only what its
 * reservation can take. Failures are CompanionErrors (upstream_timeout,
 * upstream_too_large, provider_error, companion_busy).
 */
export type Transport = (request: UpstreamRequest) => Promise<UpstreamResponse>;

/**
 * The production transport: undici's request API over a keep-alive pool per
 * origin. It costs a fraction of `fetch` per call (no WHATWG streams, no
 * AbortSignal timers), which matters on the proxy's hot path.
 */
export function undiciTransport(): Transport {
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 128, pipelining: 1 });
  return async (call) => {
    // One deadline for the whole exchange: undici's own timeouts restart with
    // every chunk. A timer cleared when done, not AbortSignal.timeout, whose
    // timers would pile up by the thousand under load.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), call.timeoutMs);
    try {
      return await exchange(call, controller.signal);
    } finally {
      clearTimeout(timer);
    }
  };

  async function exchange(call: UpstreamRequest, deadline: AbortSignal): Promise<UpstreamResponse> {
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(call.url, {
        method: call.method as 'GET',
        ...undiciBody(call),
        dispatcher,
        signal: deadline,
        headersTimeout: call.timeoutMs,
        bodyTimeout: call.timeoutMs,
      });
    } catch (error) {
      throw transportError(error, call, deadline);
    }
    // 1xx, 204 and 304 answers (and HEAD's) have no body, whatever length they declare (RFC 9110 section 8.6).
    const bodiless = call.method === 'HEAD' || response.statusCode === 204 || response.statusCode === 304;
    const declared = bodiless ? Number.NaN : Number(response.headers['content-length']);
    try {
      // A declared length is checked and reserved whole, so that an answer too large is refused unread.
      if (Number.isFinite(declared)) admitAnswerBytes(declared, call.maxResponseBytes, call.reservation, call.url);
    } catch (error) {
      discard(response.body);
      throw error;
    }
    // With a declared length the answer is read straight into one buffer of that size; without one,
    // into chunks joined at the end (briefly twice the answer).
    const whole = Number.isFinite(declared) && declared > 0 ? Buffer.allocUnsafe(declared) : undefined;
    const chunks: Buffer[] = [];
    let total = 0;
    let written = 0;
    try {
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        admitAnswerBytes(total + chunk.byteLength, call.maxResponseBytes, call.reservation, call.url);
        if (whole && chunks.length === 0 && written + chunk.byteLength <= whole.byteLength) {
          whole.set(chunk, written);
          written += chunk.byteLength;
        } else {
          chunks.push(chunk);
        }
        total += chunk.byteLength;
      }
    } catch (error) {
      discard(response.body);
      throw error instanceof CompanionError ? error : transportError(error, call, deadline);
    }
    return {
      status: response.statusCode,
      headers: new PlainHeaders(Object.entries(response.headers)),
      body: joined(whole?.subarray(0, written), chunks, total),
    };
  }
}

/** The answer's bytes: what was read into the declared-length buffer, then any chunks beyond it. */
function joined(filled: Buffer | undefined, chunks: Buffer[], total: number): Uint8Array {
  if (total === 0) return new Uint8Array();
  const parts = filled && filled.byteLength > 0 ? [filled, ...chunks] : chunks;
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, total);
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

/** Drops an answer's body and its connection; the abort that follows is expected, not an error to report. */
function discard(body: NodeJS.ReadableStream & { destroy(): void }): void {
  body.on('error', () => undefined);
  body.destroy();
}

function transportError(error: unknown, call: UpstreamRequest, deadline?: AbortSignal): CompanionError {
  const timedOut =
    deadline?.aborted === true ||
    (error as Error).name === 'TimeoutError' ||
    error instanceof errors.HeadersTimeoutError ||
    error instanceof errors.BodyTimeoutError ||
    error instanceof errors.ConnectTimeoutError;
  const host = new URL(call.url).host;
  return timedOut
    ? new CompanionError('upstream_timeout', `${host} did not answer within ${call.timeoutMs} ms`)
    : new CompanionError('provider_error', `${host} could not be reached: ${(error as Error).message}`);
}
