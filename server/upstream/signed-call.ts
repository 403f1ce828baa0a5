import {
  buildAuthorizationHeader,
  type Parameter,
  type SyncOAuthCrypto,
  serializeFormEncoded,
  signRequest,
} from '../../lib/oauth1';
import type { Provider } from '../config/providers';
import type { AnswerBudget, AnswerReservation } from './answer-budget';
import { oauthProblemOf } from './problem-reporting';
import { type RefusedSignature, refusedSignature } from './signature-debug';
import type { Transport, UpstreamBody, UpstreamResponse } from './transport';
import type { UploadBody } from './upload-body';

export type { UpstreamResponse } from './transport';

export interface UpstreamDeps {
  readonly transport: Transport;
  readonly crypto: SyncOAuthCrypto;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  /** The memory all answers in flight may hold together (see answer-budget.ts). */
  readonly answerBudget: AnswerBudget;
  /** Per provider: how far its clock is from ours (ms), learnt from a refused timestamp. */
  readonly clockOffsets: Map<string, number>;
  /** The User-Agent of every call, unless the provider sets its own: `<name>/<version> (+<PUBLIC_URL>)`. */
  readonly userAgent: string;
  /**
   * DEBUG_SIGNATURES: told about every call the provider answered with 401,
   * with the base string it was signed over. Unset, nothing is computed.
   */
  readonly onRefusedSignature?: ((refused: RefusedSignature) => void) | undefined;
}

export interface SignedCall {
  readonly method: string;
  /** The URL with its query, already encoded. */
  readonly url: string;
  readonly form?: readonly Parameter[] | undefined;
  /** A JSON body: sent as is, signed only through oauth_body_hash when the provider wants it. */
  readonly json?: string | undefined;
  /** A multipart or raw body (upload-body.ts): only the fields its provider's rule names are signed. */
  readonly upload?: UploadBody | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly token?: string | undefined;
  readonly tokenSecret?: string | undefined;
  readonly callback?: string | undefined;
  readonly verifier?: string | undefined;
  /**
   * Accounts for the answer's bytes. A caller that holds the answer after the
   * call (the proxy, until it has passed the answer on) brings its own and
   * releases it; without one, the call's own is released when it returns.
   */
  readonly reservation?: AnswerReservation | undefined;
}

/** Who pays for the answers of calls that bring no reservation: the token calls. */
const TOKEN_CALLS_HOLDER = 'token-calls';

/** One request as sent: its answer, and the protocol parameters it was signed with. */
interface Attempt {
  readonly response: UpstreamResponse;
  readonly protocolParameters: readonly Parameter[];
}

/**
 * One signed request to a provider: signed with lib/oauth1 and node:crypto,
 * sent without following redirects, with a timeout and a size cap. When the
 * provider refuses our timestamp (X's error 135, or Problem Reporting's
 * `timestamp_refused`), the call is signed again once with the provider's
 * clock (see `clockOffsetFrom`). A final 401 is reported to
 * `deps.onRefusedSignature` when it is set.
 */
export async function signedCall(provider: Provider, call: SignedCall, deps: UpstreamDeps): Promise<UpstreamResponse> {
  const reservation = call.reservation ?? deps.answerBudget.open(TOKEN_CALLS_HOLDER);
  try {
    // A reservation grows to its largest answer, not their sum: the refused first answer is let go
    // (nothing refers to it once unlessClockRefused returns) before the retry's is read into it.
    const attempt =
      (await unlessClockRefused(provider, call, deps, reservation)) ??
      (await sendOnce(provider, call, deps, reservation));
    if (attempt.response.status === 401 && deps.onRefusedSignature) {
      // The fields that were signed: a Flickr upload's text fields, as its base string holds them.
      const signed = { ...call, form: call.form ?? call.upload?.signedFields };
      deps.onRefusedSignature(refusedSignature(provider, signed, attempt.protocolParameters, attempt.response));
    }
    return attempt.response;
  } finally {
    if (call.reservation === undefined) reservation.release();
  }
}

/**
 * The first attempt, or undefined when the provider refused its timestamp and
 * said its own clock: the offset is learnt, for the retry and the calls after.
 */
async function unlessClockRefused(
  provider: Provider,
  call: SignedCall,
  deps: UpstreamDeps,
  reservation: AnswerReservation,
): Promise<Attempt | undefined> {
  const first = await sendOnce(provider, call, deps, reservation);
  const offset = clockOffsetFrom(first.response, deps.now());
  if (offset === undefined) return first;
  deps.clockOffsets.set(provider.id, offset);
  return undefined;
}

async function sendOnce(
  provider: Provider,
  call: SignedCall,
  deps: UpstreamDeps,
  reservation: AnswerReservation,
): Promise<Attempt> {
  const offset = deps.clockOffsets.get(provider.id) ?? 0;
  // signRequest rather than authorizationHeader: the parameters are kept, so that a refused
  // call's base string can be rebuilt from exactly what was signed (signature-debug.ts).
  const signed = signRequest(
    {
      method: call.method,
      url: call.url,
      form: call.form ?? call.upload?.signedFields,
      body: provider.bodyHash && call.json !== undefined ? call.json : undefined,
    },
    {
      consumerKey: provider.consumerKey,
      consumerSecret: provider.consumerSecret,
      token: call.token,
      tokenSecret: call.tokenSecret,
      signatureMethod: provider.signatureMethod,
      privateKey: provider.privateKey,
    },
    {
      crypto: deps.crypto,
      now: () => deps.now() + offset,
      callback: call.callback,
      verifier: call.verifier,
      realm: provider.realm,
    },
  );
  const authorization = buildAuthorizationHeader(signed.protocolParameters, signed.realm);
  const headers: Record<string, string> = {
    ...call.headers,
    'user-agent': provider.userAgent ?? deps.userAgent,
    authorization,
  };
  let body: UpstreamBody = null;
  if (call.upload !== undefined) {
    // The transport writes the Content-Type: multipart's with its boundary, or the raw body's declared type.
    body = call.upload.body;
  } else if (call.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = serializeFormEncoded(call.form);
  } else if (call.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = call.json;
  }
  const response = await deps.transport({
    method: call.method,
    url: call.url,
    headers,
    body,
    timeoutMs: deadlineFor(call, deps.timeoutMs),
    maxResponseBytes: deps.maxResponseBytes,
    reservation,
  });
  return { response, protocolParameters: signed.protocolParameters };
}

/** The slowest an upload may go to a provider and still arrive: 128 KiB a second. */
const UPLOAD_FLOOR_BYTES_PER_SECOND = 128 * 1024;

/** The deadline of a call (ms): the usual one, plus the time its files take at the slowest pace allowed. */
export function deadlineFor(call: SignedCall, timeoutMs: number): number {
  const body = call.upload?.body;
  if (body === undefined) return timeoutMs;
  return timeoutMs + Math.ceil((body.length / UPLOAD_FLOOR_BYTES_PER_SECOND) * 1000);
}

/**
 * How far the provider's clock is from `now` (ms), when it refused our
 * timestamp; undefined when it did not, or gave no clock to go by.
 * - X: HTTP 401 with error code 135, "Timestamp out of bounds"; its `Date`
 *   header tells its clock.
 * - OAuth Problem Reporting: `oauth_problem=timestamp_refused` with
 *   `oauth_acceptable_timestamps=first-last` (aim at the middle of that
 *   window), else the `Date` header
 *   (https://wiki.oauth.net/w/page/12238543/ProblemReporting).
 */
export function clockOffsetFrom(response: UpstreamResponse, now: number): number | undefined {
  const offset = reportedClockOffset(response, now);
  // A provider whose clock is a day off is not one to follow: such an answer is not believed.
  return offset !== undefined && Math.abs(offset) <= MAX_CLOCK_OFFSET_MS ? offset : undefined;
}

/** How far a provider's clock may be from ours and still be followed (a day). */
const MAX_CLOCK_OFFSET_MS = 24 * 60 * 60 * 1000;

function reportedClockOffset(response: UpstreamResponse, now: number): number | undefined {
  if (response.status !== 401 && response.status !== 400) return undefined;
  const providerDate = Date.parse(response.headers.get('date') ?? '');
  const byDate = Number.isFinite(providerDate) ? providerDate - now : undefined;
  const problem = oauthProblemOf(response);
  if (problem?.problem === 'timestamp_refused') {
    const window = problem.acceptableTimestamps;
    return window ? ((window[0] + window[1]) / 2) * 1000 - now : byDate;
  }
  if (response.status !== 401) return undefined;
  const text = new TextDecoder().decode(response.body.subarray(0, 2048));
  return /"code"\s*:\s*135\b|code="135"/.test(text) ? byDate : undefined;
}
