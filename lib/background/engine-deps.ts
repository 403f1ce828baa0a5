import browser from 'webextension-polyfill';
import { COMPANION_URL } from '../background-status';
import { createCompanionClient } from '../companion-client/client';
import type { BrowserPort, FlowEngineDeps } from '../flows/flow-engine';
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
};

/**
 * The flow engine's dependencies, built for each event: the worker may have
 * been stopped since the last one, so nothing is kept between calls but what
 * IndexedDB holds (the install key included).
 */
export async function engineDeps(): Promise<FlowEngineDeps> {
  const store = extensionStore();
  const keyPair = await loadOrCreateInstallKey(store);
  return {
    store,
    client: createCompanionClient({ baseUrl: COMPANION_URL, keyPair }),
    browser: browserPort,
    now: Date.now,
  };
}

/** Runs an event handler of the flow engine; its failures are logged, never unhandled. */
export function withEngine(handle: (deps: FlowEngineDeps) => Promise<unknown>): void {
  engineDeps()
    .then(handle)
    .catch((error: unknown) => console.error('flow engine:', error));
}

/** Whether a navigated URL may be the companion's callback (the engine checks the rest). */
export function isCallbackUrl(url: string | undefined): boolean {
  return url?.startsWith(`${COMPANION_URL.replace(/\/+$/, '')}/oauth/callback`) === true;
}
