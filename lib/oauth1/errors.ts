/**
 * One error type for the whole protocol core. `code` is stable and meant for
 * programs (tests assert it, the companion maps it to a problem answer);
 * `message` is for people.
 */
export type OAuthErrorCode =
  /** The request URL is not an absolute http(s) URL. */
  | 'invalid_url'
  /** The request mixes a form body with a raw body, or is otherwise unusable. */
  | 'invalid_request'
  /** The signature method is not one of RFC 5849's (plus HMAC-SHA256/512). */
  | 'unsupported_signature_method'
  /** An RSA method was asked for without a key. */
  | 'missing_key'
  /** An RSA key that is not PKCS#8/PKCS#1 private or SPKI/PKCS#1 public PEM, or does not import. */
  | 'invalid_key'
  /** An Authorization header that is not a well-formed `OAuth` header. */
  | 'malformed_authorization_header'
  /** A token endpoint answered with a body that is not a usable credentials response. */
  | 'invalid_token_response'
  /** A request-token answer without `oauth_callback_confirmed=true` (RFC 5849 section 2.1). */
  | 'callback_not_confirmed'
  /** Verification: a required protocol parameter is absent (RFC 5849 section 3.2: 400). */
  | 'parameter_absent'
  /** Verification: a protocol parameter appears twice, or in two places (section 3.2: 400). */
  | 'parameter_duplicated'
  /** Verification: a protocol parameter has a value the provider does not accept (400). */
  | 'parameter_rejected'
  /** Verification: the consumer key or token is unknown (401). */
  | 'unknown_credentials'
  /** Verification: the signature does not match (401). */
  | 'signature_invalid'
  /** Verification: the timestamp is outside the accepted window (401). */
  | 'timestamp_refused'
  /** Verification: the nonce was used before with the same timestamp and credentials (401). */
  | 'nonce_used'
  /** Verification: the body does not match its `oauth_body_hash` (401). */
  | 'body_hash_invalid';

export class OAuthError extends Error {
  override readonly name = 'OAuthError';

  constructor(
    readonly code: OAuthErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isOAuthError(value: unknown, code?: OAuthErrorCode): value is OAuthError {
  return value instanceof OAuthError && (code === undefined || value.code === code);
}
