import { reconnectAccount, refreshAccounts, revokeAccount, revokeAllAccounts } from '../accounts/accounts';
import { cancelConnect, dropExpired, startConnect, submitPin } from '../flows/flow-engine';
import { readPopupState } from '../flows/popup-state';
import type { Handlers } from '../messaging/channel';
import { InvalidMessage, stringParams } from '../messaging/channel';
import type { AccessLevel, FlowMode } from '../protocol';
import { consentHandlers } from './consent-handlers';
import { engineDeps } from './engine-deps';
import { optionsHandlers } from './options-handlers';
import type { PageToBackground, PopupMessages } from './page-protocol';
import { siteHandlers } from './site-handlers';

/** What the background answers the popup: each message hands over to the flow engine. */
const popupHandlers: Handlers<PopupMessages> = {
  getState: async () => {
    const deps = await engineDeps();
    await dropExpired(deps);
    return readPopupState(deps.store, deps.now());
  },
  listProviders: async () => (await engineDeps()).client.providers(),
  refreshAccounts: async () => refreshAccounts(await engineDeps()),
  connect: async (params) => {
    const { provider, mode, access, forceLogin } = ConnectParams.parse(params);
    return startConnect(await engineDeps(), provider, mode, { access, forceLogin });
  },
  reconnect: async (params) => reconnectAccount(await engineDeps(), stringParams(params, 'accountId').accountId),
  submitPin: async (params) => {
    const { flowId, pin } = stringParams(params, 'flowId', 'pin');
    return submitPin(await engineDeps(), flowId, pin);
  },
  cancelFlow: async (params) => {
    await cancelConnect(await engineDeps(), stringParams(params, 'flowId').flowId);
    return null;
  },
  revoke: async (params) => revokeAccount(await engineDeps(), stringParams(params, 'accountId').accountId),
  revokeAll: async () => revokeAllAccounts(await engineDeps()),
};

/**
 * `connect`'s parameters: a bad mode or access is refused, never quietly
 * replaced. Checked by hand: lib/protocol's zod schemas would add zod's
 * ~100 KB to the background bundle for two enums.
 */
const ConnectParams = {
  parse(params: unknown): {
    provider: string;
    mode: FlowMode;
    access: AccessLevel | undefined;
    forceLogin: boolean | undefined;
  } {
    const { provider, mode } = stringParams(params, 'provider', 'mode');
    if (mode !== 'callback' && mode !== 'oob') throw new InvalidMessage('mode must be "callback" or "oob"');
    const access = (params as Record<string, unknown>).access;
    if (access !== undefined && access !== 'read' && access !== 'write') {
      throw new InvalidMessage('access must be "read" or "write"');
    }
    const forceLogin = (params as Record<string, unknown>).forceLogin;
    if (forceLogin !== undefined && typeof forceLogin !== 'boolean')
      throw new InvalidMessage('forceLogin must be a boolean');
    return { provider, mode, access, forceLogin };
  },
};

/** Every message our pages may send; the compiler refuses a message without a handler. */
export const pageHandlers: Handlers<PageToBackground> = {
  ...popupHandlers,
  ...siteHandlers,
  ...optionsHandlers,
  ...consentHandlers,
};
