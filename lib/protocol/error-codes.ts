/**
 * Every error the companion answers with, and its HTTP status. The code is
 * the stable part: clients and tests branch on it, never on the wording.
 * Answers are RFC 9457 problem documents carrying this code.
 */
export const ERROR_STATUS = {
  // The request itself
  invalid_request: 400,
  malformed_json: 400,
  unsupported_media_type: 415,
  /** Past the JSON body limit, or the upload limit (the problem's `limitBytes` says which). */
  body_too_large: 413,
  /** A file's bytes differ from its declared size or MD5 (or Content-MD5): nothing was sent. */
  upload_mismatch: 400,
  /** Multipart or raw bodies to a provider whose preset does not take them. */
  upload_not_allowed: 400,
  /** Headers over what the HTTP parser reads (16 KB): answered before any route. */
  request_headers_too_large: 431,
  /** The request did not arrive in time (a slow client): answered before any route. */
  request_timeout: 408,
  not_found: 404,
  // Proof of possession (DPoP)
  dpop_missing: 401,
  dpop_invalid: 401,
  dpop_mismatch: 401,
  dpop_stale: 401,
  dpop_replayed: 401,
  // Providers and flows
  unknown_provider: 404,
  mode_not_supported: 400,
  /** `access` was given for a provider whose preset has no access levels. */
  access_not_supported: 400,
  flow_not_found: 404,
  flow_expired: 410,
  flow_completed: 409,
  token_mismatch: 400,
  flow_denied: 403,
  /** The companion stopped while completing this flow (a crash): connect again. */
  flow_interrupted: 410,
  /** The provider refused the verifier (a mistyped PIN): the flow stays open for another try until it expires. */
  verifier_rejected: 400,
  /** The provider has retired OAuth 1.0a (its preset's `retirement`): no new connections. */
  provider_retired: 410,
  // Accounts and the signing proxy
  account_not_found: 404,
  account_invalid: 409,
  /** The account needs permission it lacks, or its token expired: connect it again (Reconnect). */
  account_needs_reconnect: 409,
  /** A reconnection came back as another user than the account's: nothing was changed. */
  reconnect_other_user: 409,
  url_not_allowed: 403,
  // The provider behind us
  provider_error: 502,
  callback_not_confirmed: 502,
  upstream_timeout: 504,
  upstream_too_large: 502,
  // Operations
  rate_limited: 429,
  /** The companion holds as many provider answers as its memory budget allows: retry after Retry-After. */
  companion_busy: 503,
  /** The companion's database cannot be reached (PostgreSQL down or restarting): retry after Retry-After. */
  store_unavailable: 503,
  internal_error: 500,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];
