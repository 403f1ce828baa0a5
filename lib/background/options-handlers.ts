import browser from 'webextension-polyfill';
import { type CompanionClient, createCompanionClient } from '../companion-client/client';
import { denyAllQuestions } from '../consent/consent-broker';
import { ExtensionError, InvalidMessage } from '../errors/extension-error';
import { withSchemas } from '../messaging/channel';
import {
  checkCompanionUrl,
  DEFAULT_COMPANION_URL,
  hostPermissionPattern,
  readSettings,
  writeSettings,
} from '../settings/extension-settings';
import { unusedHostPermissions } from '../settings/host-permissions';
import { loadOrCreateInstallKey } from '../storage/install-key';
import { extensionStore } from '../storage/registry';
import { forgetCompanionState, wipeDevice } from '../storage/wipe';
import { consentDeps } from './consent-deps';
import { engineDeps } from './flow-deps';
import { type OptionsMessages, PAGE_PARAMS, type SettingsView } from './page-protocol';

/** The options page: which companion, how long a consent question waits, and "Forget this device". */
export const optionsHandlers = withSchemas<OptionsMessages>(PAGE_PARAMS, {
  getSettings: async () => settingsView(),
  testCompanion: async (params) => {
    const url = usableCompanionUrl(params.companionUrl);
    return { providers: (await reachableCompanion(url)).length };
  },
  saveSettings: async (params) => {
    const companionUrl = usableCompanionUrl(params.companionUrl);
    const seconds = params.consentTimeoutSeconds;
    const store = extensionStore();
    const current = await readSettings(store);
    if (companionUrl !== current.companionUrl) {
      // Only a companion that answers is kept; nothing changes otherwise.
      await reachableCompanion(companionUrl);
      // Questions waiting for the old companion's accounts end first: nothing may write after the wipe.
      await denyAllQuestions(consentDeps());
      await forgetCompanionState(store);
    }
    await writeSettings(store, { companionUrl, consentTimeoutSeconds: seconds });
    await releaseUnusedHostPermissions(companionUrl);
    return settingsView();
  },
  forgetDevice: async ({ force = false }) => {
    const deps = await engineDeps();
    let accountsRevoked: number | null = null;
    try {
      accountsRevoked = (await deps.client.forgetInstall()).accountsRevoked;
    } catch (error) {
      // Without `force` nothing is wiped: the tokens would stay at the companion with no way to reach them.
      if (!force) throw error;
    }
    await denyAllQuestions(consentDeps());
    await wipeDevice(deps.store);
    return { accountsRevoked };
  },
});

async function settingsView(): Promise<SettingsView> {
  const settings = await readSettings(extensionStore());
  return { ...settings, defaultCompanionUrl: DEFAULT_COMPANION_URL };
}

/** The companion URL normalised, or InvalidMessage when the extension would not use it (checkCompanionUrl). */
function usableCompanionUrl(url: string): string {
  const checked = checkCompanionUrl(url);
  if (!checked.ok) throw new InvalidMessage(`the companion URL is refused: ${checked.reason}`);
  return checked.url;
}

/** Gives back hosts granted for companions tried or left; a failure here costs only tidiness. */
async function releaseUnusedHostPermissions(companionUrl: string): Promise<void> {
  const { origins = [] } = await browser.permissions.getAll();
  const unused = unusedHostPermissions(origins, companionUrl, browser.runtime.getManifest());
  // One call per host: a host the browser will not give back must not keep the others.
  await Promise.all(unused.map((origin) => browser.permissions.remove({ origins: [origin] }).catch(() => false)));
}

/** The companion's providers at `url`, asked with this install's key; refuses without the host permission. */
async function reachableCompanion(url: string): Promise<Awaited<ReturnType<CompanionClient['providers']>>> {
  if (!(await browser.permissions.contains({ origins: [hostPermissionPattern(url)] }))) {
    throw new ExtensionError('host_permission_missing', `the extension may not reach ${new URL(url).origin} yet`);
  }
  const keyPair = await loadOrCreateInstallKey(extensionStore());
  return createCompanionClient({ baseUrl: url, keyPair }).providers();
}
