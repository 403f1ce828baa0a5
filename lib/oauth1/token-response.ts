import { OAuthError } from './errors';
import { parseFormEncoded } from './form-encoding';

export interface TokenCredentials {
  readonly token: string;
  readonly tokenSecret: string;
  /** Every other parameter of the answer, e.g. X's `user_id` and `screen_name`. */
  readonly extra: Readonly<Record<string, string>>;
}

/**
 * Parses a form-encoded credentials answer (RFC 5849 sections 2.1 and 2.3):
 * `oauth_token` and `oauth_token_secret` are required, once each.
 */
export function parseTokenResponse(body: string): TokenCredentials {
  const fields = new Map<string, string>();
  for (const [name, value] of parseFormEncoded(body.trim())) {
    if (fields.has(name)) throw new OAuthError('invalid_token_response', `the token answer repeats ${name}`);
    fields.set(name, value);
  }
  const token = fields.get('oauth_token');
  const tokenSecret = fields.get('oauth_token_secret');
  if (!token || tokenSecret === undefined) {
    throw new OAuthError('invalid_token_response', 'the token answer lacks oauth_token or oauth_token_secret');
  }
  fields.delete('oauth_token');
  fields.delete('oauth_token_secret');
  return { token, tokenSecret, extra: Object.fromEntries(fields) };
}

/**
 * Parses a temporary-credentials (request token) answer. Section 2.1 makes
 * `oauth_callback_confirmed=true` mandatory; its absence means a provider that
 * speaks OAuth 1.0 without the session-fixation fix, which we refuse.
 */
export function parseTemporaryCredentialsResponse(body: string): TokenCredentials {
  const credentials = parseTokenResponse(body);
  if (credentials.extra.oauth_callback_confirmed !== 'true') {
    throw new OAuthError('callback_not_confirmed', 'the request-token answer lacks oauth_callback_confirmed=true');
  }
  const { oauth_callback_confirmed: _confirmed, ...extra } = credentials.extra;
  return { ...credentials, extra };
}
