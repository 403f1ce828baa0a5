import { backgroundStatus } from '../background-status';
import {
  cancelConnect,
  dropExpired,
  refreshAccounts,
  revokeAccount,
  revokeAllAccounts,
  startConnect,
  submitPin,
} from '../flows/flow-engine';
import { readState } from '../flows/flow-state';
import type { Handlers } from '../messaging/channel';
import { stringParams } from '../messaging/channel';
import type { PopupToBackground } from '../messaging/popup-protocol';
import type { FlowMode } from '../protocol';
import { engineDeps } from './engine-deps';

/** What the background answers the popup: each message hands over to the flow engine. */
export const popupHandlers: Handlers<PopupToBackground> = {
  getStatus: () => backgroundStatus(),
  getState: async () => {
    const deps = await engineDeps();
    await dropExpired(deps);
    const state = await readState(deps.store);
    return { pending: Object.values(state.pending), accounts: state.accounts, lastOutcome: state.lastOutcome };
  },
  listProviders: async () => (await engineDeps()).client.providers(),
  refreshAccounts: async () => refreshAccounts(await engineDeps()),
  connect: async (params) => {
    const { provider, mode } = stringParams(params, 'provider', 'mode');
    return startConnect(await engineDeps(), provider, mode === 'oob' ? 'oob' : ('callback' satisfies FlowMode));
  },
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
