import type { ExtensionErrorCode, ExtensionErrorData } from '../lib/errors/extension-error';
import { byteSize } from './byte-size';
import { lookUp, type MessageKey, plural, t } from './i18n';

/**
 * What a person should read for an error: the words for its code, in the
 * user's language (the messages `error_<code>`: one table for the popup, the
 * options page, the consent window, the last connection's outcome and the
 * activity log). Some words quote the error's own message (a provider's
 * detail, a retirement note); what the companion said about waiting
 * (`retryAfterSeconds`) or its limit (`limitBytes`) follows. A code this
 * version has no words for (an old activity entry) is named as it is.
 */
export function describeError(
  error: Pick<ExtensionErrorData, 'retryAfterSeconds' | 'limitBytes'> & {
    readonly code: string;
    readonly message?: string;
  },
): string {
  const words = lookUp(`error_${error.code}`, error.message ?? '') || t('error_unknown', error.code);
  const after = [
    ...(error.retryAfterSeconds !== undefined
      ? [plural('errorRetryIn', error.retryAfterSeconds)]
      : WAIT_AND_RETRY.has(error.code)
        ? [t('errorRetryLater')]
        : []),
    ...(error.limitBytes === undefined ? [] : [t('errorLimit', byteSize(error.limitBytes))]),
  ];
  return [words, ...after].join(' ');
}

/** Codes that mean "not now": their words end with when to try again. */
const WAIT_AND_RETRY: ReadonlySet<string> = new Set<ExtensionErrorCode>([
  'rate_limited',
  'companion_busy',
  'store_unavailable',
]);

/** Every error code has its words in English: a code without them fails to compile here. */
type CodesWithoutWords = Exclude<`error_${ExtensionErrorCode}`, MessageKey>;
export const EVERY_CODE_HAS_WORDS: [CodesWithoutWords] extends [never] ? true : CodesWithoutWords = true;
