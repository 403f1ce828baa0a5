import type { ProxyResponse } from '../protocol';
import { InvalidMessage } from './channel';

export type SignedActionMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Pair = readonly [name: string, value: string];

/**
 * What a content script asks for: one API call, signed by the companion as a
 * connected account. No origin here: the background takes the page's origin
 * from the browser, never from the message.
 */
export interface SignedActionRequest {
  readonly provider: string;
  /** One of the user's accounts; left out, the site's consented account (or the only one) is used. */
  readonly accountId?: string;
  readonly method: SignedActionMethod;
  readonly url: string;
  readonly query?: readonly Pair[];
  readonly form?: readonly Pair[];
  readonly json?: unknown;
}

/** The provider's answer, and which account made the call. */
export interface SignedActionResult extends ProxyResponse {
  readonly account: { readonly id: string; readonly provider: string; readonly screenName: string };
}

/** Content script → background. */
export interface ContentToBackground {
  requestSignedAction(params: SignedActionRequest): SignedActionResult;
}

/** The codes a content script can get back, besides the companion's own (`url_not_allowed`, `provider_error`, …). */
export type SignedActionRefusal =
  | 'consent_denied'
  | 'consent_pending'
  | 'no_account'
  | 'sender_refused'
  | 'invalid_message';

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
  const unknownField = Object.keys(input).find(
    (k) => !['provider', 'accountId', 'method', 'url', 'query', 'form', 'json'].includes(k),
  );
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
  if (form !== undefined && input.json !== undefined) throw new InvalidMessage('a form body or a JSON body, not both');
  if (method === 'GET' && (form !== undefined || input.json !== undefined)) {
    throw new InvalidMessage('a GET request has no body');
  }
  if ([...(query ?? []), ...(form ?? [])].some(([name]) => name.startsWith('oauth_'))) {
    throw new InvalidMessage('oauth_ parameters are the companion’s to set');
  }
  return {
    provider,
    method: method as SignedActionMethod,
    url,
    ...(accountId === undefined ? {} : { accountId: accountId as string }),
    ...(query === undefined ? {} : { query }),
    ...(form === undefined ? {} : { form }),
    ...(input.json === undefined ? {} : { json: input.json }),
  };
}

function pairs(value: unknown, field: string): Pair[] | undefined {
  if (value === undefined) return undefined;
  const refuse = () => new InvalidMessage(`${field} must be a list of at most ${MAX_PAIRS} [name, value] string pairs`);
  if (!Array.isArray(value) || value.length > MAX_PAIRS) throw refuse();
  const checked: Pair[] = [];
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
