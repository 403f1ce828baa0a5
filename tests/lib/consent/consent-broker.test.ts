import 'fake-indexeddb/auto';
import { createStore } from 'idb-keyval';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  askUser,
  type ConsentBrokerDeps,
  ConsentPending,
  type ConsentWindowPort,
  denyAllQuestions,
  handleAskingTabGone,
  handleConsentWindowClosed,
  settleQuestion,
} from '../../../lib/consent/consent-broker';
import {
  addQuestion,
  type ConsentQuestion,
  DISPLAY_LIMITS,
  displayedBody,
  readQuestion,
} from '../../../lib/consent/consent-questions';
import { guardStore } from '../../../lib/storage/registry';

const SITE = 'https://site.example';
const TIMEOUT_MS = 60_000;

/** What the consent window shows, minus what askUser adds (id and times). */
function question(origin = SITE): Omit<ConsentQuestion, 'id' | 'askedAt' | 'expiresAt'> {
  return {
    origin,
    provider: 'x',
    providerName: 'X',
    accounts: [{ id: 'acc-1', screenName: 'alice' }],
    method: 'GET',
    url: 'https://api.x.com/1.1/account/verify_credentials.json',
    form: [],
    json: null,
    hidden: { fields: 0, shortened: false },
    tabId: 1,
    kind: 'first-use',
  };
}

/** The consent windows, recorded: which questions were opened, which windows closed and focused. */
function recordingWindows(open?: (questionId: string) => Promise<number | undefined>) {
  const opened: { questionId: string; windowId: number }[] = [];
  const closed: number[] = [];
  const focused: number[] = [];
  const waiters: ((o: { questionId: string; windowId: number }) => void)[] = [];
  const port: ConsentWindowPort = {
    open: async (questionId) => {
      const windowId = open ? await open(questionId) : 100 + opened.length;
      if (windowId !== undefined) opened.push({ questionId, windowId });
      for (const wake of waiters.splice(0)) wake({ questionId, windowId: windowId ?? -1 });
      return windowId;
    },
    close: async (windowId) => {
      closed.push(windowId);
    },
    focus: async (windowId) => {
      focused.push(windowId);
    },
  };
  /** The next window to open. */
  const nextOpen = () => new Promise<{ questionId: string; windowId: number }>((resolve) => waiters.push(resolve));
  return { port, opened, closed, focused, nextOpen };
}

function setup(open?: (questionId: string) => Promise<number | undefined>) {
  const windows = recordingWindows(open);
  const clock = { now: 1_000_000 };
  const deps: ConsentBrokerDeps = {
    store: guardStore(createStore(`test-${crypto.randomUUID()}`, 'state')),
    consentWindow: windows.port,
    now: () => clock.now,
  };
  return { deps, windows, clock };
}

/**
 * Waits until `check` holds, polling on setImmediate: vi.waitFor would advance
 * fake timers by itself, and the timeout test counts them.
 */
async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('the condition never held');
}

/** Asks, and waits until the window is open and recorded with the question (so a close can be matched to it). */
async function askAndWaitForWindow(
  deps: ConsentBrokerDeps,
  windows: ReturnType<typeof recordingWindows>,
  origin = SITE,
) {
  const opening = windows.nextOpen();
  const asking = askUser(deps, question(origin), TIMEOUT_MS);
  const { questionId, windowId } = await opening;
  await until(async () => (await readQuestion(deps.store, questionId))?.windowId === windowId);
  return { asking, questionId, windowId };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the consent broker', () => {
  it('stores the question for the window to read, with its id and times', async () => {
    const { deps, windows, clock } = setup();
    const { asking, questionId, windowId } = await askAndWaitForWindow(deps, windows);
    expect(await readQuestion(deps.store, questionId)).toEqual({
      ...question(),
      id: questionId,
      askedAt: clock.now,
      expiresAt: clock.now + TIMEOUT_MS,
      windowId,
    });
    await settleQuestion(deps, questionId, { decision: 'deny', reason: 'denied' });
    await asking;
  });

  it('resolves with the answer, closes the window and forgets the question', async () => {
    const { deps, windows } = setup();
    const { asking, questionId, windowId } = await askAndWaitForWindow(deps, windows);
    expect(await settleQuestion(deps, questionId, { decision: 'once', accountId: 'acc-1' })).toBe(true);
    await expect(asking).resolves.toEqual({ decision: 'once', accountId: 'acc-1' });
    expect(windows.closed).toEqual([windowId]);
    expect(await readQuestion(deps.store, questionId)).toBeUndefined();
  });

  it('lets only the first answer count: a second one finds nothing', async () => {
    const { deps, windows } = setup();
    const { asking, questionId } = await askAndWaitForWindow(deps, windows);
    const [first, second] = await Promise.all([
      settleQuestion(deps, questionId, { decision: 'always', confirmWrites: true }),
      settleQuestion(deps, questionId, { decision: 'deny', reason: 'denied' }),
    ]);
    expect([first, second]).toEqual([true, false]);
    await expect(asking).resolves.toEqual({ decision: 'always', confirmWrites: true });
    expect(await settleQuestion(deps, questionId, { decision: 'once' })).toBe(false);
  });

  it('answers no (closed) when the user closes the window', async () => {
    const { deps, windows } = setup();
    const { asking, questionId, windowId } = await askAndWaitForWindow(deps, windows);
    await handleConsentWindowClosed(deps, windowId);
    await expect(asking).resolves.toEqual({ decision: 'deny', reason: 'closed' });
    expect(await readQuestion(deps.store, questionId)).toBeUndefined();
    // A window the broker does not know is ignored.
    await expect(handleConsentWindowClosed(deps, 9999)).resolves.toBeUndefined();
  });

  it('answers no (timeout) when time runs out, and closes the window', async () => {
    // Only timers are faked: fake-indexeddb schedules with setImmediate, which stays real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { deps, windows } = setup();
    const { asking, questionId, windowId } = await askAndWaitForWindow(deps, windows);
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS - 1);
    expect(await readQuestion(deps.store, questionId)).toBeDefined();
    await vi.advanceTimersByTimeAsync(1);
    await expect(asking).resolves.toEqual({ decision: 'deny', reason: 'timeout' });
    expect(windows.closed).toEqual([windowId]);
    expect(await readQuestion(deps.store, questionId)).toBeUndefined();
  });

  it('stops the timer once answered: no late timeout closes anything', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { deps, windows } = setup();
    const { asking, questionId } = await askAndWaitForWindow(deps, windows);
    await settleQuestion(deps, questionId, { decision: 'once' });
    await asking;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('refuses a second question for a site that has one open, without bringing the window forward', async () => {
    const { deps, windows } = setup();
    const { asking, questionId } = await askAndWaitForWindow(deps, windows);
    const second = askUser(deps, question(), TIMEOUT_MS);
    await expect(second).rejects.toBeInstanceOf(ConsentPending);
    await expect(second).rejects.toMatchObject({ code: 'consent_pending' });
    // Not focused: a page could time a second request to put the window under the user's click.
    expect(windows.focused).toEqual([]);
    expect(windows.opened).toHaveLength(1);
    // The first question is untouched.
    expect(await readQuestion(deps.store, questionId)).toBeDefined();
    await settleQuestion(deps, questionId, { decision: 'once' });
    await expect(asking).resolves.toEqual({ decision: 'once' });
  });

  it('asks again for a site once its previous question is answered', async () => {
    const { deps, windows } = setup();
    const first = await askAndWaitForWindow(deps, windows);
    await settleQuestion(deps, first.questionId, { decision: 'deny', reason: 'denied' });
    await first.asking;
    const second = await askAndWaitForWindow(deps, windows);
    await settleQuestion(deps, second.questionId, { decision: 'once' });
    await expect(second.asking).resolves.toEqual({ decision: 'once' });
  });

  it('keeps questions of different sites apart', async () => {
    const { deps, windows } = setup();
    const a = await askAndWaitForWindow(deps, windows, SITE);
    const b = await askAndWaitForWindow(deps, windows, 'https://other.example');
    expect(a.windowId).not.toBe(b.windowId);
    expect(windows.focused).toEqual([]);
    await settleQuestion(deps, b.questionId, { decision: 'deny', reason: 'denied' });
    await expect(b.asking).resolves.toMatchObject({ decision: 'deny' });
    expect(await readQuestion(deps.store, a.questionId)).toBeDefined();
    await handleConsentWindowClosed(deps, a.windowId);
    await expect(a.asking).resolves.toEqual({ decision: 'deny', reason: 'closed' });
  });

  // addQuestion sweeps every question whose expiresAt (wall clock) has passed,
  // even one this worker still waits for: after a laptop sleep, Date.now() has
  // jumped but the timer has not fired yet. The wait must still end.
  it('still answers no (timeout) when its stored question was swept as expired before the timer fired', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { deps, windows, clock } = setup();
    const first = await askAndWaitForWindow(deps, windows, SITE);
    let outcome: unknown = 'still waiting';
    void first.asking.then((answer) => {
      outcome = answer;
    });
    clock.now += TIMEOUT_MS + 1; // the wall clock moved on (sleep), the timer did not
    const other = await askAndWaitForWindow(deps, windows, 'https://other.example');
    expect(await readQuestion(deps.store, first.questionId)).toBeUndefined(); // swept
    await settleQuestion(deps, other.questionId, { decision: 'once' });
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(outcome).toEqual({ decision: 'deny', reason: 'timeout' });
  });

  it('does not let an expired question (left by a stopped worker) block a new one, and sweeps it', async () => {
    const { deps, windows, clock } = setup();
    const stale: ConsentQuestion = {
      ...question(),
      id: 'stale-question',
      askedAt: clock.now - 120_000,
      expiresAt: clock.now - 60_000,
      windowId: 55,
    };
    await addQuestion(deps.store, stale, stale.askedAt);
    const { asking, questionId } = await askAndWaitForWindow(deps, windows);
    expect(windows.focused).toEqual([]);
    expect(await readQuestion(deps.store, 'stale-question')).toBeUndefined();
    await settleQuestion(deps, questionId, { decision: 'once' });
    await expect(asking).resolves.toEqual({ decision: 'once' });
  });

  it('lets a question of a stopped worker that has not expired yet block the site (answered consent_pending)', async () => {
    const { deps, clock } = setup();
    await addQuestion(
      deps.store,
      { ...question(), id: 'orphan', askedAt: clock.now, expiresAt: clock.now + 1, windowId: 77 },
      clock.now,
    );
    await expect(askUser(deps, question(), TIMEOUT_MS)).rejects.toBeInstanceOf(ConsentPending);
    // Answering it in a fresh worker (nobody waits for it) removes it and closes its window, but counts for nothing.
    expect(await settleQuestion(deps, 'orphan', { decision: 'once' })).toBe(false);
    expect(await readQuestion(deps.store, 'orphan')).toBeUndefined();
  });

  it('removes the question and passes the error on when the window cannot open', async () => {
    const asked: string[] = [];
    let failing = true;
    const { deps } = setup(async (questionId) => {
      asked.push(questionId);
      if (failing) throw new Error('windows.create failed');
      return 200;
    });
    await expect(askUser(deps, question(), TIMEOUT_MS)).rejects.toThrow('windows.create failed');
    expect(asked).toHaveLength(1);
    expect(await readQuestion(deps.store, asked[0] as string)).toBeUndefined();
    // Nothing is left to block the site: the next question opens its window.
    failing = false;
    const again = askUser(deps, question(), TIMEOUT_MS);
    await until(() => asked.length === 2);
    await settleQuestion(deps, asked[1] as string, { decision: 'once' });
    await expect(again).resolves.toEqual({ decision: 'once' });
  });

  it('closes a window that opened after the question was already answered', async () => {
    const { deps, windows } = setup(async (questionId) => {
      // The answer (or the timeout) comes while windows.create is still running.
      expect(await settleQuestion(deps, questionId, { decision: 'deny', reason: 'timeout' })).toBe(true);
      return 321;
    });
    await expect(askUser(deps, question(), TIMEOUT_MS)).resolves.toEqual({ decision: 'deny', reason: 'timeout' });
    expect(windows.closed).toEqual([321]);
  });
});

describe('questions end with their tab, and with a wipe', () => {
  it('a tab that closes or leaves the site ends its question as a no, and closes the window', async () => {
    const { deps, windows } = setup();
    const asked = askUser(deps, { ...question(), tabId: 5 }, TIMEOUT_MS);
    await windows.nextOpen();
    // A navigation within the same site changes nothing.
    await handleAskingTabGone(deps, 5, SITE);
    await handleAskingTabGone(deps, 6, null);
    expect(windows.closed).toEqual([]);
    await handleAskingTabGone(deps, 5, 'https://elsewhere.example');
    await expect(asked).resolves.toEqual({ decision: 'deny', reason: 'left' });
    expect(windows.closed).toHaveLength(1);
  });

  it('denyAllQuestions ends every open question (forget this device)', async () => {
    const { deps, windows } = setup();
    const one = askUser(deps, question('https://one.example'), TIMEOUT_MS);
    await windows.nextOpen();
    const two = askUser(deps, question('https://two.example'), TIMEOUT_MS);
    await windows.nextOpen();
    await denyAllQuestions(deps);
    await expect(one).resolves.toMatchObject({ decision: 'deny', reason: 'wiped' });
    await expect(two).resolves.toMatchObject({ decision: 'deny', reason: 'wiped' });
    // Both windows close (one may be closed twice, by the wipe and by its opener: harmless).
    expect(new Set(windows.closed).size).toBe(2);
  });
});

describe('what the window shows', () => {
  it('shows every field up to its limits and says what it left out, never cutting silently', () => {
    const many = Array.from({ length: DISPLAY_LIMITS.fields + 3 }, (_, i) => [`f${i}`, 'v'] as const);
    expect(displayedBody(many, undefined).hidden).toEqual({ fields: 3, shortened: false });
    const long = displayedBody([['status', `Hi${' '.repeat(DISPLAY_LIMITS.valueChars)}payload`]], undefined);
    expect(long.hidden).toEqual({ fields: 0, shortened: true });
    expect(displayedBody([['status', 'hello']], undefined)).toEqual({
      form: [['status', 'hello']],
      json: null,
      hidden: { fields: 0, shortened: false },
    });
  });

  it('pretty-prints a JSON body and says when it is cut', () => {
    expect(displayedBody(undefined, { text: 'hi' }).json).toBe('{\n  "text": "hi"\n}');
    const big = displayedBody(undefined, { text: 'x'.repeat(DISPLAY_LIMITS.jsonChars) });
    expect(big.json).toHaveLength(DISPLAY_LIMITS.jsonChars);
    expect(big.hidden.shortened).toBe(true);
  });
});
