import browser, { type Runtime } from 'webextension-polyfill';
import { dispatch, type Handlers, isEnvelope } from './channel';
import type { ContentToBackground, SignedActionRequest, SignedActionResult } from './content-protocol';
import type { MessageResult } from './result';

const CHANNEL = 'content→background';

/**
 * For content scripts: asks the background for one signed API call as a
 * connected account. The user is asked first when this site has not been
 * allowed; the answer is the provider's response, or a stable error code
 * (`consent_denied`, `no_account`, `url_not_allowed`, `provider_error`, …).
 */
export async function requestSignedAction(request: SignedActionRequest): Promise<MessageResult<SignedActionResult>> {
  try {
    return (await browser.runtime.sendMessage({
      channel: CHANNEL,
      name: 'requestSignedAction',
      params: request,
    })) as MessageResult<SignedActionResult>;
  } catch (error) {
    // The worker stopped with the question open, or the extension was reloaded.
    return { ok: false, error: { code: 'internal_error', message: `the extension did not answer: ${String(error)}` } };
  }
}

/**
 * The background's listener for content scripts. Each handler gets the
 * sender as the browser reports it, and judges it itself: the origin a
 * request acts for is the sender's, never something the message says.
 */
export function contentMessageListener(handlers: Handlers<ContentToBackground, Runtime.MessageSender>) {
  return (message: unknown, sender: Runtime.MessageSender): Promise<unknown> | undefined => {
    if (!isEnvelope(message, CHANNEL)) return undefined;
    return dispatch(handlers, message, sender);
  };
}
