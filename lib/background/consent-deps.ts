import browser from 'webextension-polyfill';
import { readAccounts, refreshAccounts } from '../accounts/accounts';
import { providersMemo } from '../companion-client/providers-memo';
import type { ConsentBrokerDeps } from '../consent/consent-broker';
import type { SignedActionDeps } from '../consent/signed-action';
import { extensionStore } from '../storage/registry';
import { consentWindow } from './browser-ports';
import { engineDepsWithSettings } from './flow-deps';

/** What the consent window's answers and the consent events need, with a store guarded from now. */
export function consentDeps(): ConsentBrokerDeps {
  return { store: extensionStore(), consentWindow, now: Date.now };
}

/** Kept while the worker lives: a restarted worker fetches the list again, which is fine. */
const rememberedProviders = providersMemo();

/**
 * What a content script's signed action needs: the engine's parts (one store
 * handle, guarded from the request's start), the consent window, the
 * timeout, and the accounts (lib/accounts: the cached list and its refresh).
 */
export async function signedActionDeps(): Promise<SignedActionDeps> {
  const { deps, settings } = await engineDepsWithSettings();
  return {
    store: deps.store,
    client: deps.client,
    now: deps.now,
    consentWindow,
    ownId: browser.runtime.id,
    consentTimeoutMs: settings.consentTimeoutSeconds * 1000,
    accounts: () => readAccounts(deps.store),
    refreshAccounts: () => refreshAccounts(deps),
    providers: () => rememberedProviders(settings.companionUrl, () => deps.client.providers()),
  };
}

/** Runs an event handler of the consent broker; its failures are logged, never unhandled. */
export function withConsent(handle: (deps: ConsentBrokerDeps) => Promise<unknown>): void {
  handle(consentDeps()).catch((error: unknown) => console.error('consent:', error));
}
