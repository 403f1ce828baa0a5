import type { UseStore } from 'idb-keyval';
import { ActionRefused } from './action-refused';
import {
  addQuestion,
  type ConsentAnswer,
  type ConsentQuestion,
  hasTabQuestion,
  setQuestionWindow,
  takeAllQuestions,
  takeQuestion,
  takeTabQuestions,
} from './consent-questions';

/** The consent window as the broker needs it; the background wires it to `windows`. */
export interface ConsentWindowPort {
  open(questionId: string): Promise<number | undefined>;
  close(windowId: number): Promise<void>;
  focus(windowId: number): Promise<void>;
}

export interface ConsentBrokerDeps {
  readonly store: UseStore;
  readonly consentWindow: ConsentWindowPort;
  readonly now: () => number;
}

/** Thrown when a site already has a question open: answered (and logged) as `consent_pending`. */
export class ConsentPending extends ActionRefused {
  constructor(message: string) {
    super('consent_pending', message);
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
  const question = await takeQuestion(deps.store, (q) => q.id === id);
  const waiter = waiting.get(id);
  waiting.delete(id);
  // The stored question may have been swept while we waited (the clock jumped, e.g. after
  // sleep): the waiter still knows its window, and still gets its answer. A wait must end.
  const windowId = question?.windowId ?? waiter?.windowId;
  if (windowId !== undefined) await deps.consentWindow.close(windowId).catch(() => undefined);
  if (!waiter) return false;
  waiter.resolve(answer);
  return true;
}

/** `windows.onRemoved`: a consent window closed without an answer is a no. */
export async function handleConsentWindowClosed(deps: ConsentBrokerDeps, windowId: number): Promise<void> {
  const question = await takeQuestion(deps.store, (q) => q.windowId === windowId);
  if (!question) return;
  const waiter = waiting.get(question.id);
  waiting.delete(question.id);
  waiter?.resolve({ decision: 'deny', reason: 'closed' });
}

/**
 * `tabs.onRemoved` / `tabs.onUpdated`: the asking tab closed or left the site
 * (`nowOn`: the origin it is on now, null when closed). Its questions end as
 * a no: a window must not stay over another page, answering for one gone.
 */
export async function handleAskingTabGone(deps: ConsentBrokerDeps, tabId: number, nowOn: string | null): Promise<void> {
  // Every navigation of every tab comes here: a read first, a write only when a question is concerned.
  if (!(await hasTabQuestion(deps.store, tabId, nowOn))) return;
  for (const question of await takeTabQuestions(deps.store, tabId, nowOn)) {
    await endTaken(deps, question, { decision: 'deny', reason: 'left' });
  }
}

/** Every open question ends as a no (the device is wiped, or the companion changed). */
export async function denyAllQuestions(deps: ConsentBrokerDeps): Promise<void> {
  for (const question of await takeAllQuestions(deps.store)) {
    await endTaken(deps, question, { decision: 'deny', reason: 'wiped' });
  }
}

async function endTaken(deps: ConsentBrokerDeps, question: ConsentQuestion, answer: ConsentAnswer): Promise<void> {
  const waiter = waiting.get(question.id);
  waiting.delete(question.id);
  const windowId = question.windowId ?? waiter?.windowId;
  if (windowId !== undefined) await deps.consentWindow.close(windowId).catch(() => undefined);
  waiter?.resolve(answer);
}
