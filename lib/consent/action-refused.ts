/** A content script's request refused before the companion saw it, with a stable code (`consent_denied`, `no_account`, …). */
export class ActionRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
