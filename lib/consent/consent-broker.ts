import type { UseStore } from 'idb-keyval';
import {
  addQuestion,
  type ConsentAnswer,
  type ConsentQuestion,
  setQuestionWindow,
  takeQuestion,
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

/** Thrown when a site already has a question open: answered `consent_pending`. */
export class ConsentPending extends Error {
  readonly code = 'consent_pending';
}

/**
 * Who is waiting for which answer. Memory, not IndexedDB, because what waits
 * is a message reply: if the worker stops, the reply channel is gone too, and
 * the stored question is swept as stale.
 */
const waiting = new Map<string, (answer: ConsentAnswer) => void>();

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
  if (!added.added) {
    if (added.open.windowId !== undefined) await deps.consentWindow.focus(added.open.windowId).catch(() => undefined);
    throw new ConsentPending(`a question for ${question.origin} is already waiting for the user`);
  }
  const answer = new Promise<ConsentAnswer>((resolve) => waiting.set(full.id, resolve));
  const timer = setTimeout(
    () => void settleQuestion(deps, full.id, { decision: 'deny', reason: 'timeout' }),
    timeoutMs,
  );
  try {
    const windowId = await deps.consentWindow.open(full.id);
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
  if (question?.windowId !== undefined) await deps.consentWindow.close(question.windowId).catch(() => undefined);
  const resolve = waiting.get(id);
  waiting.delete(id);
  if (!question || !resolve) return false;
  resolve(answer);
  return true;
}

/** `windows.onRemoved`: a consent window closed without an answer is a no. */
export async function handleConsentWindowClosed(deps: ConsentBrokerDeps, windowId: number): Promise<void> {
  const question = await takeQuestion(deps.store, (q) => q.windowId === windowId);
  if (!question) return;
  const resolve = waiting.get(question.id);
  waiting.delete(question.id);
  resolve?.({ decision: 'deny', reason: 'closed' });
}
