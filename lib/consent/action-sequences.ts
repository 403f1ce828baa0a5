import { actionRefused } from './action-refused';

/**
 * The steps of one action that the user allowed with one answer (a chunked
 * upload: initialize, append × n, finalize, status): a site that asked with
 * `sequence` gets an id, and its later requests naming that id are sent
 * without another question, as long as each stays inside what was allowed.
 *
 * Kept in the background's memory only: a sequence is minutes long and its
 * steps keep the worker awake; if the worker restarts meanwhile, the later
 * steps are refused (`sequence_refused`) and the site starts again.
 */
export interface SequenceGrant {
  readonly id: string;
  readonly origin: string;
  readonly tabId: number;
  readonly provider: string;
  readonly accountId: string;
  /** Every step's URL is under this one (itself under the provider's API). */
  readonly under: string;
  requestsLeft: number;
  /** File bytes the steps may still upload: the sum of the files the question showed. */
  bytesLeft: number;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

/** How long the steps of one action may take, from the user's yes. */
export const SEQUENCE_LIFETIME_MS = 10 * 60 * 1000;

const grants = new Map<string, SequenceGrant>();

/** Records what the user allowed; returns the id the later steps name. */
export function openSequence(grant: Omit<SequenceGrant, 'id'>): string {
  const id = crypto.randomUUID();
  grants.set(id, { ...grant, id });
  return id;
}

/**
 * Lets one more step of a sequence through, counting it: same site, tab,
 * provider and account, a URL under the allowed one, within the number of
 * steps, the bytes and the time allowed. The account to act as is the grant's.
 * @throws ExtensionError (refused) `sequence_refused` saying which limit the step went past
 */
export function continueSequence(
  id: string,
  step: {
    origin: string;
    tabId: number;
    provider: string;
    accountId?: string | undefined;
    url: string;
    fileBytes: number;
  },
  now: number,
): string {
  const grant = grants.get(id);
  const refuse = (why: string) => actionRefused('sequence_refused', `this step cannot continue the action: ${why}`);
  if (!grant || grant.expiresAt <= now) {
    grants.delete(id);
    throw refuse('it has ended (time ran out, or the extension restarted): ask again');
  }
  if (grant.origin !== step.origin || grant.tabId !== step.tabId || grant.provider !== step.provider) {
    throw refuse('it was allowed for another page');
  }
  if (step.accountId !== undefined && step.accountId !== grant.accountId) throw refuse('it acts as another account');
  if (!isUnder(step.url, grant.under)) throw refuse(`its URL is not under ${grant.under}`);
  if (grant.requestsLeft < 1) throw refuse('it has made all the requests it was allowed');
  if (step.fileBytes > grant.bytesLeft) throw refuse('it uploads more than the files shown to the user');
  grant.requestsLeft -= 1;
  grant.bytesLeft -= step.fileBytes;
  return grant.accountId;
}

/** Ends every sequence (the extension was reset, or the companion changed). */
export function endAllSequences(): void {
  grants.clear();
}

/**
 * Whether `url` is `base` or below it: same origin, and a path that continues
 * `base`'s at a segment boundary (so /2/media/upload does not cover /2/media/uploadx).
 */
export function isUnder(url: string, base: string): boolean {
  if (!URL.canParse(url) || !URL.canParse(base)) return false;
  const target = new URL(url);
  const root = new URL(base);
  if (target.origin !== root.origin || target.username || target.password) return false;
  const prefix = root.pathname.endsWith('/') ? root.pathname : `${root.pathname}/`;
  return target.pathname === root.pathname || target.pathname.startsWith(prefix);
}
