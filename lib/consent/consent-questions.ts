import { get, type UseStore } from 'idb-keyval';
import type { SignedActionMethod } from '../messaging/content-protocol';
import type { Parameter } from '../oauth1/form-encoding';
import { changeKey } from '../storage/change-key';
import { type GuardedStore, KEYS } from '../storage/registry';

/** What the consent window shows and asks. Kept in IndexedDB so the window can read it. */
export interface ConsentQuestion {
  readonly id: string;
  readonly origin: string;
  readonly provider: string;
  readonly providerName: string;
  /** The accounts the site may act as: one, or several to choose from (the first is preselected). */
  readonly accounts: readonly { readonly id: string; readonly screenName: string }[];
  readonly method: SignedActionMethod;
  /** The whole URL the call goes to, its query included. */
  readonly url: string;
  /** The form fields it sends (what a post says), in order, as many as the window shows (see `hidden`). */
  readonly form: readonly Parameter[];
  /** The JSON body it sends, pretty-printed (as much as the window shows), or null. */
  readonly json: string | null;
  /** The files it sends (and its sequence's later steps will): never read by the window but to preview an image. */
  readonly files?: readonly ConsentFile[];
  /** The later steps the one answer allows (a chunked upload): how many, under which URL. */
  readonly sequence?: { readonly under: string; readonly requests: number };
  /** What the window cannot show in full, said in the window: never a silent cut. */
  readonly hidden: { readonly fields: number; readonly shortened: boolean };
  /** The tab that asked: the question ends if that tab closes or leaves the site. */
  readonly tabId: number;
  /**
   * `first-use`: Allow once / Always / Deny. `write`: this site must confirm each write: Allow / Deny.
   * `no-account`: a site that was never allowed asked for an account the user does not have (or must
   * reconnect): the window says so and can only be closed, and the site hears the same `consent_denied`
   * as for a no. So a site learns nothing about the user's accounts before the user has said yes.
   */
  readonly kind: 'first-use' | 'write' | 'no-account';
  /** For `no-account`: why no account can act. */
  readonly accountProblem?: AccountProblem;
  /** Epoch milliseconds. */
  readonly askedAt: number;
  readonly expiresAt: number;
  readonly windowId?: number | undefined;
}

/** A file as the consent window shows it. */
export interface ConsentFile {
  readonly filename: string;
  readonly contentType: string;
  /** Bytes. */
  readonly size: number;
  /** The image itself, for a preview (images up to 10 MiB). */
  readonly preview?: Blob;
}

export type AccountProblem = 'none-connected' | 'needs-reconnecting' | 'not-found';

export type ConsentDecision = 'once' | 'always' | 'deny';

export interface ConsentAnswer {
  readonly decision: ConsentDecision;
  /** For a yes: the account chosen (one of the question's). */
  readonly accountId?: string;
  /** For "always": whether writes still need a yes each time. */
  readonly confirmWrites?: boolean;
  /** For a no: the user said so, the window was closed, or time ran out. */
  readonly reason?: 'denied' | 'closed' | 'timeout' | 'left' | 'wiped';
}

const KEY = KEYS.consentQuestions;

type Questions = Record<string, ConsentQuestion>;

function changeQuestions<T>(store: GuardedStore, change: (all: Questions) => [Questions, T]): Promise<T> {
  return changeKey(store, KEY, {}, change);
}

export async function readQuestion(store: UseStore, id: string): Promise<ConsentQuestion | undefined> {
  const all = (await get<Questions>(KEY, store)) ?? {};
  return Object.hasOwn(all, id) ? all[id] : undefined;
}

/**
 * Stores a question unless this origin already has one open (its id is then
 * returned as `open`): one window per site at a time, so a page cannot bury
 * the user in windows. Stale questions (a worker stopped while asking) are
 * swept on the way.
 */
export async function addQuestion(
  store: GuardedStore,
  question: ConsentQuestion,
  now: number,
): Promise<{ added: true } | { added: false; open: ConsentQuestion }> {
  return changeQuestions<{ added: true } | { added: false; open: ConsentQuestion }>(store, (all) => {
    const live = Object.fromEntries(Object.entries(all).filter(([, q]) => q.expiresAt > now));
    const open = Object.values(live).find((q) => q.origin === question.origin);
    if (open) return [live, { added: false, open }];
    return [{ ...live, [question.id]: question }, { added: true }];
  });
}

/** Records the question's window; false when the question was answered meanwhile. */
export async function setQuestionWindow(
  store: GuardedStore,
  id: string,
  windowId: number | undefined,
): Promise<boolean> {
  return changeQuestions(store, (all) => {
    const found = all[id];
    return found ? [{ ...all, [id]: { ...found, windowId } }, true] : [all, false];
  });
}

/** Takes out the questions that match, atomically: only the first answer to a question counts. */
export function takeQuestions(
  store: GuardedStore,
  matches: (q: ConsentQuestion) => boolean,
): Promise<ConsentQuestion[]> {
  return changeQuestions(store, (all) => {
    const taken = Object.values(all).filter(matches);
    if (taken.length === 0) return [all, []];
    return [Object.fromEntries(Object.entries(all).filter(([, q]) => !taken.includes(q))), taken];
  });
}

/** Whether any question matches: a read, for events that usually concern none. */
export async function hasQuestion(store: UseStore, matches: (q: ConsentQuestion) => boolean): Promise<boolean> {
  return Object.values((await get<Questions>(KEY, store)) ?? {}).some(matches);
}

/** How much of a request the consent window shows; beyond this it says what it left out. */
export const DISPLAY_LIMITS = { fields: 50, valueChars: 2000, jsonChars: 4000 } as const;

/** The form and JSON body as the window shows them, and what it could not show. */
export function displayedBody(
  form: readonly Parameter[] | undefined,
  json: unknown,
): Pick<ConsentQuestion, 'form' | 'json' | 'hidden'> {
  const fields = form ?? [];
  let shortened = false;
  const shown = fields.slice(0, DISPLAY_LIMITS.fields).map(([name, value]) => {
    if (name.length > DISPLAY_LIMITS.valueChars || value.length > DISPLAY_LIMITS.valueChars) shortened = true;
    return [name.slice(0, DISPLAY_LIMITS.valueChars), value.slice(0, DISPLAY_LIMITS.valueChars)] as const;
  });
  let text: string | null = null;
  if (json !== undefined) {
    text = JSON.stringify(json, null, 2);
    if (text.length > DISPLAY_LIMITS.jsonChars) {
      shortened = true;
      text = text.slice(0, DISPLAY_LIMITS.jsonChars);
    }
  }
  return { form: shown, json: text, hidden: { fields: fields.length - shown.length, shortened } };
}
