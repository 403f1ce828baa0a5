import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { addQuestion, type ConsentQuestion, readQuestion } from '../../../lib/consent/consent-questions';
import { extensionStore } from '../../../lib/storage/registry';

// The browser is the boundary (WXT's in-memory fakeBrowser): the consent window port closes windows through it.
vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));
const removeWindow = vi.spyOn(fakeBrowser.windows, 'remove');

const { consentHandlers } = await import('../../../lib/background/consent-handlers');

async function storedQuestion(overrides: Partial<ConsentQuestion> = {}): Promise<ConsentQuestion> {
  const question: ConsentQuestion = {
    id: crypto.randomUUID(),
    origin: `https://${crypto.randomUUID()}.example`,
    provider: 'dev',
    providerName: 'Dev provider',
    accounts: [
      { id: 'acc-1', screenName: 'alice' },
      { id: 'acc-2', screenName: 'bob' },
    ],
    method: 'POST',
    url: 'http://127.0.0.1:8788/1.1/statuses/update.json',
    form: [['status', 'hello']],
    json: null,
    hidden: { fields: 0, shortened: false },
    tabId: 1,
    kind: 'first-use',
    askedAt: Date.now(),
    expiresAt: Date.now() + 60_000,
    windowId: 7,
    ...overrides,
  };
  await addQuestion(extensionStore(), question, Date.now());
  return question;
}

const answer = (params: unknown) => consentHandlers.answerConsent(params as never, undefined);

describe('consent window handlers', () => {
  it('shows a stored question, and nothing for an unknown or expired one', async () => {
    const question = await storedQuestion();
    await expect(consentHandlers.getConsentQuestion({ id: question.id }, undefined)).resolves.toEqual(question);
    await expect(consentHandlers.getConsentQuestion({ id: 'no-such-question' }, undefined)).resolves.toBeNull();
    const expired = await storedQuestion({ expiresAt: Date.now() - 1 });
    await expect(consentHandlers.getConsentQuestion({ id: expired.id }, undefined)).resolves.toBeNull();
  });

  it('shows each image preview as a data: URL of its bytes (messaging in Chrome is JSON: a Blob would be {})', async () => {
    const image = new Uint8Array(40_000).map((_, i) => (i * 7) % 256);
    const question = await storedQuestion({
      files: [
        {
          filename: 'harbour.png',
          contentType: 'image/png',
          size: image.length,
          preview: new Blob([image], { type: 'image/png' }),
        },
        { filename: 'clip.mp4', contentType: 'video/mp4', size: 9_000_000 },
      ],
    });
    const shown = await consentHandlers.getConsentQuestion({ id: question.id }, undefined);
    expect(shown?.files).toEqual([
      { filename: 'harbour.png', contentType: 'image/png', size: image.length, previewUrl: expect.any(String) },
      { filename: 'clip.mp4', contentType: 'video/mp4', size: 9_000_000 },
    ]);
    const url = shown?.files?.[0]?.previewUrl as string;
    expect(url.startsWith('data:image/png;base64,')).toBe(true);
    expect(Buffer.from(url.slice('data:image/png;base64,'.length), 'base64').equals(Buffer.from(image))).toBe(true);
    expect(JSON.parse(JSON.stringify(shown))).toEqual(shown);
  });

  it.each([
    ['a decision that is not one of once, always, deny', { decision: 'yes' }],
    ['an account the question did not offer', { decision: 'once', accountId: 'acc-9' }],
    ['confirmWrites that is not a boolean', { decision: 'always', confirmWrites: 'true' }],
  ])('refuses %s with invalid_message and leaves the question open', async (_case, extra) => {
    const question = await storedQuestion();
    await expect(answer({ id: question.id, ...extra })).rejects.toMatchObject({ code: 'invalid_message' });
    expect(await readQuestion(extensionStore(), question.id)).toEqual(question);
  });

  it('refuses "always" for a write the site must confirm each time', async () => {
    const question = await storedQuestion({ kind: 'write' });
    await expect(answer({ id: question.id, decision: 'always' })).rejects.toMatchObject({ code: 'invalid_message' });
    expect(await readQuestion(extensionStore(), question.id)).toBeDefined();
  });

  it('takes only deny for a no-account question (there is nothing to allow)', async () => {
    const question = await storedQuestion({ kind: 'no-account', accounts: [], accountProblem: 'none-connected' });
    for (const decision of ['once', 'always']) {
      await expect(answer({ id: question.id, decision })).rejects.toMatchObject({ code: 'invalid_message' });
    }
    expect(await readQuestion(extensionStore(), question.id)).toEqual(question);
    await expect(answer({ id: question.id, decision: 'deny' })).resolves.toEqual({ accepted: false });
    expect(await readQuestion(extensionStore(), question.id)).toBeUndefined();
  });

  it('answers accepted: false for a question that is gone, and changes nothing', async () => {
    await expect(answer({ id: 'no-such-question', decision: 'once' })).resolves.toEqual({ accepted: false });
  });

  it('takes a valid answer: the question is removed and its window closed', async () => {
    const question = await storedQuestion({ windowId: 41 });
    // No request waits in this worker (it would in the background): the answer is not accepted,
    // yet the question goes and the window closes, so nothing is left behind.
    await expect(answer({ id: question.id, decision: 'once', accountId: 'acc-2' })).resolves.toEqual({
      accepted: false,
    });
    expect(await readQuestion(extensionStore(), question.id)).toBeUndefined();
    expect(removeWindow).toHaveBeenCalledWith(41);
  });
});
