import type { MaybePromise } from './maybe-promise';

export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-512';

/**
 * The crypto the core needs, passed in so that the core has none of its own:
 * node:crypto on the server (synchronous, fast), WebCrypto in browsers and
 * workers (asynchronous). All binary results are base64 text.
 *
 * `Sync` says which kind an implementation is, so that signing with a
 * synchronous one returns a plain value in the types too.
 */
export interface OAuthCrypto<Sync extends boolean = boolean> {
  readonly synchronous: Sync;
  /**
   * HMAC of `message` under `key`, base64. Both are ASCII: RFC 5849 builds
   * them from percent-encoded text (sections 3.4.1.1 and 3.4.2), and the core
   * never passes anything else, so an implementation may read them as bytes.
   */
  hmac(hash: HashName, key: string, message: string): Result<Sync, string>;
  /** RSASSA-PKCS1-v1_5 signature of `message` (UTF-8) with a PKCS#8 PEM private key, base64. */
  rsaSign(hash: HashName, privateKeyPem: string, message: string): Result<Sync, string>;
  /** Checks an RSASSA-PKCS1-v1_5 signature (base64) against an SPKI PEM public key. */
  rsaVerify(hash: HashName, publicKeyPem: string, message: string, signature: string): Result<Sync, boolean>;
  /** Plain digest of raw bytes, base64 (for `oauth_body_hash`). */
  digest(hash: HashName, data: Uint8Array): Result<Sync, string>;
}

export type SyncOAuthCrypto = OAuthCrypto<true>;
export type AsyncOAuthCrypto = OAuthCrypto<false>;

/** A value, or a promise of it when the crypto in use is asynchronous. */
export type Result<Sync extends boolean, T> = Sync extends true ? T : Promise<T>;

/** Widens a crypto result for code that handles both kinds. */
export type AnyResult<T> = MaybePromise<T>;
