import { reconnectAccount, refreshAccounts, revokeAccount, revokeAllAccounts } from '../accounts/accounts';
import { cancelConnect, dropExpired, startConnect, submitPin } from '../flows/flow-engine';
import { readPopupState } from '../flows/popup-state';
import type { Handlers } from '../messaging/channel';
import { withSchemas } from '../messaging/channel';
import { consentHandlers } from './consent-handlers';
import { engineDeps } from './flow-deps';
import { optionsHandlers } from './options-handlers';
import { PAGE_PARAMS, type PageToBackground, type PopupMessages } from './page-protocol';
import { siteHandlers } from './site-handlers';

/** What the background answers the popup: each message hands over to the flow engine. */
const popupHandlers = withSchemas<PopupMessages>(PAGE_PARAMS, {
  getState: async () => {
    const deps = await engineDeps();
    await dropExpired(deps);
    return readPopupState(deps.store, deps.now());
  },
  listProviders: async () => (await engineDeps()).client.providers(),
  refreshAccounts: async () => refreshAccounts(await engineDeps()),
  // A mode or access of another shape never gets here: PAGE_PARAMS refuses it (invalid_message).
  connect: async ({ provider, mode, access, forceLogin }) =>
    startConnect(await engineDeps(), provider, mode, { access, forceLogin }),
  reconnect: async ({ accountId }) => reconnectAccount(await engineDeps(), accountId),
  submitPin: async ({ flowId, pin }) => submitPin(await engineDeps(), flowId, pin),
  cancelFlow: async ({ flowId }) => {
    await cancelConnect(await engineDeps(), flowId);
    return null;
  },
  revoke: async ({ accountId }) => revokeAccount(await engineDeps(), accountId),
  revokeAll: async () => revokeAllAccounts(await engineDeps()),
});

/**
 * Every message our pages may send, each with its parameters checked against
 * PAGE_PARAMS (page-protocol.ts) first; the compiler refuses a message
 * without a handler or a schema.
 */
export const pageHandlers: Handlers<PageToBackground> = {
  ...popupHandlers,
  ...siteHandlers,
  ...optionsHandlers,
  ...consentHandlers,
};
