import type { MessageErrorCode } from '../lib/messaging/result';
import { lookUp, type MessageKey, t } from './i18n';

/**
 * What a person should read for an error: the words for its code, in the
 * user's language (the messages `error_<code>`: one table for the popup, the
 * options page, the consent window, the last connection's outcome and the
 * activity log). Some words quote the error's own message (a provider's
 * detail, a retirement note). A code this version has no words for (an old
 * activity entry) is named as it is.
 */
export function describeError(error: { readonly code: string; readonly message?: string }): string {
  return lookUp(`error_${error.code}`, error.message ?? '') || t('error_unknown', error.code);
}

/** Every error code has its words in English: a code without them fails to compile here. */
type CodesWithoutWords = Exclude<`error_${MessageErrorCode}`, MessageKey>;
export const EVERY_CODE_HAS_WORDS: [CodesWithoutWords] extends [never] ? true : CodesWithoutWords = true;
