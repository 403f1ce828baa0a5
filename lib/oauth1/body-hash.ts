import type { AnyResult, HashName, OAuthCrypto } from './crypto';

const utf8 = new TextEncoder();

/**
 * `oauth_body_hash` (OAuth Request Body Hash, draft 2009): base64 digest of
 * the raw body bytes, with the hash of the signature method (SHA-1 for
 * HMAC-SHA1 and RSA-SHA1). Never used with form bodies, whose parameters are
 * signed directly.
 */
export function bodyHash(body: string | Uint8Array, crypto: OAuthCrypto, hash: HashName = 'SHA-1'): AnyResult<string> {
  return crypto.digest(hash, typeof body === 'string' ? utf8.encode(body) : body);
}
