/**
 * The background as the browser wires it: the real listeners
 * (registerBackgroundListeners, what entrypoints/background.ts calls) on WXT's
 * fakeBrowser, an in-memory browser whose events the test fires. A message
 * goes in as the browser would hand it over and its answer comes out; a tab
 * closed and an alarm fired end pending flows as the user would see.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Runtime } from 'webextension-polyfill';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { changeState, type PendingFlow, readState } from '../../../lib/flows/flow-state';
import { writeSettings } from '../../../lib/settings/extension-settings';
import { extensionStore } from '../../../lib/storage/registry';
import { wipeDevice } from '../../../lib/storage/wipe';
import { makeHarness, PUBLIC_URL } from '../../support/companion-harness';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));

const { registerBackgroundListeners } = await import('../../../lib/background/listeners');

const ownPage = (): Runtime.MessageSender => ({
  id: fakeBrowser.runtime.id,
  url: fakeBrowser.runtime.getURL('/popup.html'),
});

/** Sends an envelope to the registered listeners as the browser would, with this sender; the first answer. */
async function send(message: unknown, sender: Runtime.MessageSender): Promise<unknown> {
  const answers = await fakeBrowser.runtime.onMessage.trigger(message, sender);
  return answers.find((answer) => answer !== undefined);
}

function pendingFlow(overrides: Partial<PendingFlow> = {}): PendingFlow {
  return {
    flowId: crypto.randomUUID(),
    provider: 'dev',
    providerName: 'Dev provider',
    mode: 'callback',
    requestToken: 'request-token',
    callbackUrl: 'http://127.0.0.1:8787/oauth/callback',
    authorizeUrl: 'http://127.0.0.1:8788/oauth/authorize?oauth_token=request-token',
    expiresAt: Date.now() + 600_000,
    state: 'waiting',
    tabId: 5,
    ...overrides,
  };
}

describe('the background, wired on fakeBrowser', () => {
  beforeEach(async () => {
    fakeBrowser.reset();
    await wipeDevice(extensionStore());
    // No companion in this test: each call to it fails at once, as an unreachable one would.
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('fetch failed');
      }),
    );
    registerBackgroundListeners();
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("answers an own page's message end to end, from the stored state", async () => {
    const flow = pendingFlow();
    await changeState(extensionStore(), (s) => [{ ...s, pending: { [flow.flowId]: flow } }, undefined]);
    const answer = await send({ channel: 'page→background', name: 'getState', params: {} }, ownPage());
    expect(answer).toMatchObject({ ok: true, value: { pending: [flow], accounts: [], sites: [], activity: [] } });
  });

  it('answers the companion being unreachable with its stable code', async () => {
    const answer = await send({ channel: 'page→background', name: 'listProviders', params: {} }, ownPage());
    expect(answer).toMatchObject({ ok: false, error: { code: 'companion_unreachable' } });
  });

  it('refuses a page message from a content script, and a content message from another extension', async () => {
    const page = await send(
      { channel: 'page→background', name: 'getState', params: {} },
      { id: fakeBrowser.runtime.id, url: 'https://site.example/', tab: { id: 3 } as never },
    );
    expect(page).toMatchObject({ ok: false, error: { code: 'sender_refused' } });
    const content = await send(
      { channel: 'content→background', name: 'requestSignedAction', params: {} },
      { id: 'another-extension', url: 'https://site.example/', frameId: 0, tab: { id: 3 } as never },
    );
    expect(content).toMatchObject({ ok: false, error: { code: 'sender_refused' } });
  });

  it('leaves messages of other channels to other listeners', async () => {
    await expect(send({ channel: 'elsewhere', name: 'getState', params: {} }, ownPage())).resolves.toBeUndefined();
  });

  it('ends a callback flow whose provider tab the user closed (tabs.onRemoved)', async () => {
    const flow = pendingFlow({ tabId: 5 });
    await changeState(extensionStore(), (s) => [{ ...s, pending: { [flow.flowId]: flow } }, undefined]);
    await fakeBrowser.tabs.onRemoved.trigger(5, { windowId: 1, isWindowClosing: false });
    await vi.waitFor(async () =>
      expect(await readState(extensionStore())).toMatchObject({
        pending: {},
        lastOutcome: { kind: 'closed', provider: 'dev' },
      }),
    );
  });

  it('ends a flow when its expiry alarm fires (alarms.onAlarm)', async () => {
    const flow = pendingFlow({ mode: 'oob', callbackUrl: null });
    await changeState(extensionStore(), (s) => [{ ...s, pending: { [flow.flowId]: flow } }, undefined]);
    await fakeBrowser.alarms.onAlarm.trigger({ name: `flow-expiry:${flow.flowId}`, scheduledTime: Date.now() });
    await vi.waitFor(async () =>
      expect(await readState(extensionStore())).toMatchObject({ pending: {}, lastOutcome: { kind: 'expired' } }),
    );
  });

  it('connects an account end to end: the popup asks, a tab opens, the callback completes it', async () => {
    const h = await makeHarness();
    await writeSettings(extensionStore(), { companionUrl: PUBLIC_URL });
    // The companion, in process: what the background fetches reaches its app.
    vi.stubGlobal('fetch', (input: string | URL | Request, init?: RequestInit) =>
      h.app.request(input instanceof Request ? input : String(input), init),
    );
    const opened = vi.spyOn(fakeBrowser.tabs, 'create');
    const answer = (await send(
      { channel: 'page→background', name: 'connect', params: { provider: 'dev', mode: 'callback' } },
      ownPage(),
    )) as { ok: boolean; value: PendingFlow };
    expect(answer).toMatchObject({ ok: true, value: { provider: 'dev', state: 'waiting' } });
    const tab = await opened.mock.results[0]?.value;
    expect(tab).toMatchObject({ id: answer.value.tabId, url: answer.value.authorizeUrl });

    const { location } = await h.decide(answer.value.authorizeUrl, 'authorize', '1002');
    await fakeBrowser.tabs.onUpdated.trigger(tab.id, { url: location as string }, tab);
    await vi.waitFor(async () =>
      expect(await readState(extensionStore())).toMatchObject({
        pending: {},
        lastOutcome: { kind: 'connected', screenName: 'bob' },
        accounts: [{ provider: 'dev', screenName: 'bob', status: 'active' }],
      }),
    );
  });
});
