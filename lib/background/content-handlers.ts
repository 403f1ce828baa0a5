import type { Runtime } from 'webextension-polyfill';
import { performSignedAction } from '../consent/signed-action';
import type { Handlers } from '../messaging/channel';
import type { ContentToBackground } from '../messaging/content-protocol';
import { signedActionDeps } from './consent-deps';

/** What the background answers content scripts; each handler judges the sender itself. */
export const contentHandlers: Handlers<ContentToBackground, Runtime.MessageSender> = {
  requestSignedAction: async (params, sender) => performSignedAction(await signedActionDeps(), sender, params),
};
