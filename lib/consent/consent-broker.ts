import { ExtensionError } from '../errors/extension-error';
import type { GuardedStore } from '../storage/registry';
import {
  addQuestion,
  type ConsentAnswer,
  type ConsentQuestion,
  hasQuestion,
  setQuestionWindow,
  takeQuestions,
} from './consent-questions';

/** The consent window as the broker needs it; the background wires it to `windows`. */
export interface ConsentWindowPort {
  open(questionId: string): Promise<number | undefined>;
  close(windowId: number): Promise<void>;
  focus(windowId: number): Promise<void>;
}

export interface ConsentBrokerDeps {
  /** Guarded from the event's start: a question is not written into a state reset since. */
  readonly store: GuardedStore;
  readonly consentWindow: ConsentWindowPort;
  readonly now: () => number;
}

/** Thrown when a site already has a question open: answered (and logged) as `consent_pending`. */
export class ConsentPending extends ExtensionError {
  override name = 'ConsentPending';
  constructor(message: string) {
    super('consent_pending', message, { refused: true });
  }
}

/**
 * Who is waiting for which answer. Memory, not IndexedDB, because what waits
 * is a message reply: if the worker stops, the reply channel is gone too, and
 * the stored question is swept as stale.
 */
const waiting = new Map<string, { resolve: (answer: ConsentAnswer) => void; windowId?: number | undefined }>();

/**
 * Asks the user in a consent window and waits for the answer. No answer in
 * time, or the window closed, is a no.
 */
export async function askUser(
  deps: ConsentBrokerDeps,
  question: Omit<ConsentQuestion, 'id' | 'askedAt' | 'expiresAt'>,
  timeoutMs: number,
): Promise<ConsentAnswer> {
  const now = deps.now();
  const full: ConsentQuestion = { ...question, id: crypto.randomUUID(), askedAt: now, expiresAt: now + timeoutMs };
  const added = await addQuestion(deps.store, full, now);
  // Not brought to the front again: a page could time that to put the window under a click.
  if (!added.added) throw new ConsentPending(`a question for ${question.origin} is already waiting for the user`);
  const answer = new Promise<ConsentAnswer>((resolve) => waiting.set(full.id, { resolve }));
  const timer = setTimeout(
    () => void settleQuestion(deps, full.id, { decision: 'deny', reason: 'timeout' }),
    timeoutMs,
  );
  try {
    const windowId = await deps.consentWindow.open(full.id);
    const waiter = waiting.get(full.id);
    if (waiter) waiter.windowId = windowId;
    const stillOpen = await setQuestionWindow(deps.store, full.id, windowId);
    // Answered (or timed out) while the window was opening: nobody else knows to close it.
    if (!stillOpen && windowId !== undefined) await deps.consentWindow.close(windowId).catch(() => undefined);
    return await answer;
  } catch (error) {
    await settleQuestion(deps, full.id, { decision: 'deny', reason: 'closed' });
    throw error;
  } finally {
    clearTimeout(timer);
    waiting.delete(full.id);
  }
}

/**
 * Ends a question with an answer: the first answer wins, later ones find
 * nothing (false). The window closes either way.
 */
export async function settleQuestion(deps: ConsentBrokerDeps, id: string, answer: ConsentAnswer): Promise<boolean> {
  const [question] = await takeQuestions(deps.store, (q) => q.id === id);
  return endQuestion(deps, id, question, answer);
}

/** `windows.onRemoved`: a consent window closed without an answer is a no. */
export async function handleConsentWindowClosed(deps: ConsentBrokerDeps, windowId: number): Promise<void> {
  for (const question of await takeQuestions(deps.store, (q) => q.windowId === windowId)) {
    await endQuestion(deps, question.id, question, { decision: 'deny', reason: 'closed' }, false);
  }
}

/**
 * `tabs.onRemoved` / `tabs.onUpdated`: the asking tab closed or left the site
 * (`nowOn`: the origin it is on now, null when closed). Its questions end as
 * a no: a window must not stay over another page, answering for one gone.
 */
export async function handleAskingTabGone(deps: ConsentBrokerDeps, tabId: number, nowOn: string | null): Promise<void> {
  const gone = (q: ConsentQuestion) => q.tabId === tabId && q.origin !== nowOn;
  // Every navigation of every tab comes here: a read first, a write only when a question is concerned.
  if (!(await hasQuestion(deps.store, gone))) return;
  for (const question of await takeQuestions(deps.store, gone)) {
    await endQuestion(deps, question.id, question, { decision: 'deny', reason: 'left' });
  }
}

/** Every open question ends as a no (the device is wiped, or the companion changed). */
export async function denyAllQuestions(deps: ConsentBrokerDeps): Promise<void> {
  for (const question of await takeQuestions(deps.store, () => true)) {
    await endQuestion(deps, question.id, question, { decision: 'deny', reason: 'wiped' });
  }
}

/**
 * Gives a taken question's answer to whoever waits for it, and closes its
 * window. The stored question may have been swept while we waited (the clock
 * jumped, e.g. after sleep): the waiter still knows its window, and still
 * gets its answer. A wait must end. False when nobody waited.
 */
async function endQuestion(
  deps: ConsentBrokerDeps,
  id: string,
  question: ConsentQuestion | undefined,
  answer: ConsentAnswer,
  closeWindow = true,
): Promise<boolean> {
  const waiter = waiting.get(id);
  waiting.delete(id);
  const windowId = question?.windowId ?? waiter?.windowId;
  if (closeWindow && windowId !== undefined) await deps.consentWindow.close(windowId).catch(() => undefined);
  if (!waiter) return false;
  waiter.resolve(answer);
  return true;
}
