/** A content script's request refused before the companion saw it, with a stable code (`consent_denied`, `no_account`, …). */
export class ActionRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** What the user's activity log records, when the site is told less (see `no-account` questions). */
    readonly loggedCode: string = code,
  ) {
    super(message);
  }
}
