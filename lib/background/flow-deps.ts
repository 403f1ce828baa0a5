import { accountsPort } from '../accounts/accounts';
import { createCompanionClient } from '../companion-client/client';
import type { FlowEngineDeps } from '../flows/flow-engine';
import { type ExtensionSettings, readSettings } from '../settings/extension-settings';
import { loadOrCreateInstallKey } from '../storage/install-key';
import { extensionStore } from '../storage/registry';
import { browserPort } from './browser-ports';

/**
 * The flow engine's dependencies (lib/accounts's functions take the same),
 * built for each event: the worker may have been stopped since the last one,
 * so nothing is kept between calls but what IndexedDB holds (the install key
 * and the settings included). The store handle is guarded from this moment
 * (lib/storage/registry.ts), so what this event fetches is never written
 * into a state reset meanwhile.
 */
export async function engineDeps(): Promise<FlowEngineDeps> {
  return (await engineDepsWithSettings()).deps;
}

/** engineDeps, and the settings they were built from (the signed-action pipeline needs the timeout). */
export async function engineDepsWithSettings(): Promise<{ deps: FlowEngineDeps; settings: ExtensionSettings }> {
  // Guarded before the settings are read: a reset after this point makes everything these deps fetch stale.
  const store = extensionStore();
  const [keyPair, settings] = await Promise.all([loadOrCreateInstallKey(store), readSettings(store)]);
  const client = createCompanionClient({ baseUrl: settings.companionUrl, keyPair });
  return { deps: { store, client, browser: browserPort, now: Date.now, accounts: accountsPort }, settings };
}

/** Runs an event handler of the flow engine; its failures are logged, never unhandled. */
export function withEngine(handle: (deps: FlowEngineDeps) => Promise<unknown>): void {
  engineDeps()
    .then(handle)
    .catch((error: unknown) => console.error('flow engine:', error));
}
