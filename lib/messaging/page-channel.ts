import browser, { type Runtime } from 'webextension-polyfill';
import {
  type AnswerOf,
  dispatch,
  failure,
  type Handlers,
  isEnvelope,
  type ParamsOf,
  type ProtocolMap,
} from './channel';
import type { MessageResult } from './result';

const CHANNEL = 'page→background';

/**
 * The sender for one protocol map `M` (our pages' map is PageToBackground,
 * lib/background/page-protocol.ts): sends a message on the page channel and
 * returns its typed answer, or the MessageError the background answered. The
 * map is a type parameter so that this folder names no state shape of the
 * folders above it.
 */
export function pageSender<M extends ProtocolMap<M>>() {
  return async <K extends keyof M & string>(name: K, params: ParamsOf<M[K]>): Promise<MessageResult<AnswerOf<M[K]>>> =>
    (await browser.runtime.sendMessage({ channel: CHANNEL, name, params })) as MessageResult<AnswerOf<M[K]>>;
}

/**
 * The background's listener for popup messages. It answers only our own
 * extension pages (same extension id, a URL under our extension origin);
 * anything else, content scripts included, gets `sender_refused`. Other
 * channels are left alone.
 */
export function pageMessageListener<M extends ProtocolMap<M>>(handlers: Handlers<M>) {
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
