import type { PageToBackground } from '../lib/background/page-protocol';
import type { AnswerOf, ParamsOf } from '../lib/messaging/channel';
import { pageSender } from '../lib/messaging/page-channel';
import type { MessageError } from '../lib/messaging/result';

const sendToBackground = pageSender<PageToBackground>();

/** Sends a page's message; resolves to the answer, or throws the error the background answered (an ExtensionError's data: code, message, retryAfterSeconds, limitBytes). */
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
