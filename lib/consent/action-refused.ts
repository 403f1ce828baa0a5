import { ExtensionError, type ExtensionErrorCode } from '../errors/extension-error';

/**
 * A content script's request refused before the companion saw it, with a
 * stable code (`consent_denied`, `no_account`, …): an ExtensionError the
 * activity log records as `refused`. `loggedCode` is what the log records
 * when the site is told less (see `no-account` questions).
 */
export function actionRefused(
  code: ExtensionErrorCode,
  message: string,
  loggedCode?: ExtensionErrorCode,
): ExtensionError {
  return new ExtensionError(code, message, { refused: true, ...(loggedCode === undefined ? {} : { loggedCode }) });
}
