import browser, { type Runtime } from 'webextension-polyfill';
import { type AnswerOf, dispatch, failure, type Handlers, isEnvelope, type ParamsOf } from './channel';
import type { PageToBackground } from './page-protocol';
import type { MessageResult } from './result';

const CHANNEL = 'page→background';

/** Sends a popup message to the background and returns its typed answer. */
export async function sendToBackground<K extends keyof PageToBackground>(
  name: K,
  params: ParamsOf<PageToBackground[K]>,
): Promise<MessageResult<AnswerOf<PageToBackground[K]>>> {
  return (await browser.runtime.sendMessage({ channel: CHANNEL, name, params })) as MessageResult<
    AnswerOf<PageToBackground[K]>
  >;
}

/**
 * The background's listener for popup messages. It answers only our own
 * extension pages (same extension id, a URL under our extension origin);
 * anything else, content scripts included, gets `sender_refused`. Other
 * channels are left alone.
 */
export function pageMessageListener(handlers: Handlers<PageToBackground>) {
  return (message: unknown, sender: Runtime.MessageSender): Promise<unknown> | undefined => {
    if (!isEnvelope(message, CHANNEL)) return undefined;
    if (!isOwnExtensionPage(sender)) {
      return Promise.resolve(failure({ code: 'sender_refused', message: 'only this extension’s pages may send this' }));
    }
    return dispatch(handlers, message, undefined);
  };
}

/**
 * A content script shares our extension id but runs at the web page's URL, so
 * the URL is what tells them apart. Our pages may sit in a tab (the popup or
 * options opened as a tab): that is still us, since a web page cannot load
 * an extension page that is not web-accessible, and none of ours is.
 */
export function isOwnExtensionPage(sender: Runtime.MessageSender): boolean {
  if (sender.id !== browser.runtime.id || !sender.url) return false;
  return sender.url.startsWith(browser.runtime.getURL('/'));
}
