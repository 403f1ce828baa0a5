import browser, { type Runtime } from 'webextension-polyfill';
import { signedActionHandlers } from '../consent/signed-action';
import type { Handlers } from '../messaging/channel';
import type { ContentToBackground } from '../messaging/content-protocol';
import { signedActionDeps } from './consent-deps';

/**
 * What the background answers content scripts: the sender judged first, then
 * the parameters checked against CONTENT_PARAMS (content-protocol.ts), then
 * the action (lib/consent/signed-action.ts).
 */
export const contentHandlers: Handlers<ContentToBackground, Runtime.MessageSender> = signedActionHandlers(
  signedActionDeps,
  () => browser.runtime.id,
);
