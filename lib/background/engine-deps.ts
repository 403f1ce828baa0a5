import browser from 'webextension-polyfill';
import { accountsPort, readAccounts, refreshAccounts } from '../accounts/accounts';
import { createCompanionClient } from '../companion-client/client';
import { providersMemo } from '../companion-client/providers-memo';
import type { ConsentBrokerDeps, ConsentWindowPort } from '../consent/consent-broker';
import type { SignedActionDeps } from '../consent/signed-action';
import type { BrowserPort, FlowEngineDeps } from '../flows/flow-engine';
import { type ExtensionSettings, readSettings } from '../settings/extension-settings';
import { currentGeneration } from '../storage/generation';
import { extensionStore, loadOrCreateInstallKey } from '../storage/install-key';

/** The extension APIs the flow engine uses. */
const browserPort: BrowserPort = {
  openTab: async (url) => (await browser.tabs.create({ url, active: true })).id,
  closeTab: async (tabId) => {
    await browser.tabs.remove(tabId);
  },
  setAlarm: (name, when) => {
    void browser.alarms.create(name, { when });
  },
  clearAlarm: (name) => {
    void browser.alarms.clear(name);
  },
  setBadge: (text) => {
    // MV3's action API in both browsers; the polyfill types it for Chrome and Firefox.
    void browser.action?.setBadgeText({ text });
    if (text) void browser.action?.setBadgeBackgroundColor({ color: '#9a6700' });
  },
};

/** The consent window: a small popup window of our own page, one per question. */
const consentWindow: ConsentWindowPort = {
  open: async (questionId) =>
    (
      await browser.windows.create({
        url: browser.runtime.getURL(`/consent.html?question=${encodeURIComponent(questionId)}`),
        type: 'popup',
        width: 440,
        height: 560,
        focused: true,
      })
    ).id,
  close: async (windowId) => {
    await browser.windows.remove(windowId);
  },
  focus: async (windowId) => {
    await browser.windows.update(windowId, { focused: true });
  },
};

/**
 * The flow engine's dependencies, built for each event: the worker may have
 * been stopped since the last one, so nothing is kept between calls but what
 * IndexedDB holds (the install key and the settings included).
 */
export async function engineDeps(): Promise<FlowEngineDeps> {
  return (await depsWithSettings()).deps;
}

async function depsWithSettings(): Promise<{ deps: FlowEngineDeps; settings: ExtensionSettings }> {
  // Taken before the settings are read: a reset after this point makes everything these deps fetch stale.
  const generation = currentGeneration();
  const store = extensionStore();
  const [keyPair, settings] = await Promise.all([loadOrCreateInstallKey(store), readSettings(store)]);
  const client = createCompanionClient({ baseUrl: settings.companionUrl, keyPair });
  return { deps: { store, client, browser: browserPort, now: Date.now, accounts: accountsPort, generation }, settings };
}

/** What the consent window's answers need. */
export function consentDeps(): ConsentBrokerDeps {
  return { store: extensionStore(), consentWindow, now: Date.now };
}

/** Kept while the worker lives: a restarted worker fetches the list again, which is fine. */
const rememberedProviders = providersMemo();

/** What a content script's signed action needs: the engine's parts, the consent window and the timeout. */
export async function signedActionDeps(): Promise<SignedActionDeps> {
  const { deps, settings } = await depsWithSettings();
  const { store } = deps;
  return {
    ...deps,
    consentWindow,
    ownId: browser.runtime.id,
    consentTimeoutMs: settings.consentTimeoutSeconds * 1000,
    accounts: () => readAccounts(store),
    refreshAccounts: () => refreshAccounts(deps),
    providers: () => rememberedProviders(settings.companionUrl, () => deps.client.providers()),
  };
}

/** Runs an event handler of the flow engine; its failures are logged, never unhandled. */
export function withEngine(handle: (deps: FlowEngineDeps) => Promise<unknown>): void {
  engineDeps()
    .then(handle)
    .catch((error: unknown) => console.error('flow engine:', error));
}

/** Runs an event handler of the consent broker; its failures are logged, never unhandled. */
export function withConsent(handle: (deps: ConsentBrokerDeps) => Promise<unknown>): void {
  handle(consentDeps()).catch((error: unknown) => console.error('consent:', error));
}

/**
 * Whether a navigated URL may be a companion's callback: a cheap filter so
 * that most navigations cost no IndexedDB work. The engine then compares it
 * with the flow's own callback URL, tab and request token.
 */
export function isCallbackUrl(url: string | undefined): boolean {
  return url?.includes('/oauth/callback?') === true;
}
