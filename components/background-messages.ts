import type { PageToBackground } from '../lib/background/page-protocol';
import type { AnswerOf, ParamsOf } from '../lib/messaging/channel';
import { pageSender } from '../lib/messaging/page-channel';
import type { MessageError } from '../lib/messaging/result';

const sendToBackground = pageSender<PageToBackground>();

/** Sends a popup message; resolves to the answer, or throws the MessageError (code and message). */
export async function ask<K extends keyof PageToBackground>(
  name: K,
  params: ParamsOf<PageToBackground[K]>,
): Promise<AnswerOf<PageToBackground[K]>> {
  let result: Awaited<ReturnType<typeof sendToBackground<K>>>;
  try {
    result = await sendToBackground(name, params);
  } catch (error) {
    throw { code: 'internal_error', message: `the background did not answer: ${String(error)}` } satisfies MessageError;
  }
  if (!result.ok) throw result.error;
  return result.value;
}

/** What a person should read for an error code. */
export function describeError(error: MessageError): string {
  switch (error.code) {
    case 'companion_unreachable':
      return 'The companion cannot be reached. Is it running?';
    case 'provider_error':
    case 'upstream_timeout':
      return `The provider did not cooperate: ${error.message}`;
    case 'rate_limited':
      return 'Too many attempts. Wait a minute and try again.';
    case 'companion_busy':
      return 'The companion is busy. Try again in a moment.';
    case 'store_unavailable':
      return "The companion's database is not reachable right now. Try again in a moment.";
    case 'flow_interrupted':
      return 'The companion stopped while connecting. Connect again.';
    case 'verifier_rejected':
      return 'The provider did not accept that PIN. Check it and type it again.';
    case 'provider_retired':
      return `This provider no longer takes new connections: ${error.message}`;
    default:
      return error.message;
  }
}
