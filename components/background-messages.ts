import type { PageToBackground } from '../lib/background/page-protocol';
import { ExtensionError } from '../lib/errors/extension-error';
import type { AnswerOf, ParamsOf } from '../lib/messaging/channel';
import { pageSender } from '../lib/messaging/page-channel';

const sendToBackground = pageSender<PageToBackground>();

/** Sends a page's message; resolves to the answer, or throws the ExtensionError the background answered. */
export async function ask<K extends keyof PageToBackground>(
  name: K,
  params: ParamsOf<PageToBackground[K]>,
): Promise<AnswerOf<PageToBackground[K]>> {
  let result: Awaited<ReturnType<typeof sendToBackground<K>>>;
  try {
    result = await sendToBackground(name, params);
  } catch (error) {
    throw new ExtensionError('internal_error', `the background did not answer: ${String(error)}`);
  }
  if (!result.ok) throw ExtensionError.fromData(result.error);
  return result.value;
}
