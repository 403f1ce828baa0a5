import { describe, expect, it, vi } from 'vitest';
import type { PageToBackground } from '../../../lib/background/page-protocol';
import type { Handlers } from '../../../lib/messaging/channel';

// The browser API is the boundary here: the test is about the sender checks.
vi.mock('webextension-polyfill', () => ({
  default: {
    runtime: {
      id: 'our-extension-id',
      getURL: (path: string) => `chrome-extension://our-extension-id${path}`,
    },
  },
}));

const { pageMessageListener } = await import('../../../lib/messaging/page-channel');

const notUsed = () => {
  throw new Error('not used in this test');
};
/** A full handler set (the compiler insists on one per message), with only what a test needs. */
function handlers(overrides: Partial<Handlers<PageToBackground>>): Handlers<PageToBackground> {
  return {
    getState: notUsed,
    listProviders: notUsed,
    refreshAccounts: notUsed,
    connect: notUsed,
    reconnect: notUsed,
    submitPin: notUsed,
    cancelFlow: notUsed,
    revoke: notUsed,
    revokeAll: notUsed,
    revokeSite: notUsed,
    setSiteConfirmWrites: notUsed,
    clearActivity: notUsed,
    getSettings: notUsed,
    testCompanion: notUsed,
    saveSettings: notUsed,
    forgetDevice: notUsed,
    getConsentQuestion: notUsed,
    answerConsent: notUsed,
    ...overrides,
  };
}

const status = {
  companionUrl: 'http://127.0.0.1:8787',
  defaultCompanionUrl: 'http://127.0.0.1:8787',
  consentTimeoutSeconds: 60,
};
const listener = pageMessageListener(handlers({ getSettings: () => status }));
const envelope = { channel: 'page→background', name: 'getSettings', params: {} };
const popupSender = { id: 'our-extension-id', url: 'chrome-extension://our-extension-id/popup.html' };
const aTab = { id: 1, index: 0, highlighted: false, active: true, pinned: false, incognito: false };

describe('popup → background channel', () => {
  it('answers our own popup, also when it is opened in a tab', async () => {
    await expect(listener(envelope, popupSender)).resolves.toEqual({ ok: true, value: status });
    await expect(listener(envelope, { ...popupSender, tab: aTab })).resolves.toEqual({ ok: true, value: status });
  });

  it.each([
    ['another extension', { id: 'evil-extension', url: 'chrome-extension://evil-extension/popup.html' }],
    ['a content script (our id, a web page URL)', { id: 'our-extension-id', url: 'https://x.com/home', tab: aTab }],
    ['a web page claiming our id', { id: 'our-extension-id', url: 'https://evil.example/' }],
    [
      'a page of another extension origin',
      { id: 'our-extension-id', url: 'chrome-extension://our-extension-id.evil.example/' },
    ],
    ['a sender without a URL', { id: 'our-extension-id' }],
  ])('refuses %s with sender_refused', async (_case, sender) => {
    await expect(listener(envelope, sender)).resolves.toEqual({
      ok: false,
      error: { code: 'sender_refused', message: expect.any(String) },
    });
  });

  it('leaves messages of other channels to other listeners', () => {
    expect(listener({ channel: 'content→background', name: 'getSettings', params: {} }, popupSender)).toBeUndefined();
    expect(listener('getSettings', popupSender)).toBeUndefined();
    expect(listener(null, popupSender)).toBeUndefined();
  });

  it('answers unknown_message for a name without a handler, including prototype names', async () => {
    for (const name of ['deleteEverything', 'toString', '__proto__']) {
      await expect(listener({ ...envelope, name }, popupSender)).resolves.toMatchObject({
        ok: false,
        error: { code: 'unknown_message' },
      });
    }
  });

  it('turns a throwing handler into internal_error, never a raw Error', async () => {
    const failing = pageMessageListener(
      handlers({
        getSettings: () => {
          throw new Error('storage is gone');
        },
      }),
    );
    await expect(failing(envelope, popupSender)).resolves.toEqual({
      ok: false,
      error: { code: 'internal_error', message: 'storage is gone' },
    });
  });
});

describe('handler errors keep their code', () => {
  it('passes a companion code through, and answers invalid_message for bad parameters', async () => {
    const { stringParams } = await import('../../../lib/messaging/channel');
    const listener = pageMessageListener(
      handlers({
        connect: (params) => {
          stringParams(params, 'provider', 'mode');
          throw Object.assign(new Error('no provider "nope" at the companion'), { code: 'unknown_provider' });
        },
      }),
    );
    const send = (params: unknown) => listener({ channel: 'page→background', name: 'connect', params }, popupSender);
    await expect(send({ provider: 'nope', mode: 'callback' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'unknown_provider' },
    });
    await expect(send({ provider: 42 })).resolves.toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    await expect(send(null)).resolves.toMatchObject({ ok: false, error: { code: 'invalid_message' } });
  });
});
