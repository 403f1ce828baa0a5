import type { AnyResult, OAuthCrypto } from './crypto';

const utf8 = new TextEncoder();

/**
 * `oauth_body_hash` (OAuth Request Body Hash, draft 2009): base64 SHA-1 of
 * the raw body bytes. Never used with form bodies, whose parameters are
 * signed directly.
 */
export function bodyHash(body: string | Uint8Array, crypto: OAuthCrypto): AnyResult<string> {
  return crypto.digest('SHA-1', typeof body === 'string' ? utf8.encode(body) : body);
}
