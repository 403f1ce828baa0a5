/**
 * RFC 5849 (OAuth 1.0a), pure: no I/O, no clock or randomness that cannot be
 * injected, no dependencies. Runs in Node, browsers and extension workers.
 */
export {
  buildAuthorizationHeader,
  type ParsedAuthorizationHeader,
  parseAuthorizationHeader,
} from './authorization-header';
export {
  baseStringUri,
  collectParameters,
  joinBaseString,
  normalizeParameters,
  type SignableRequest,
  signatureBaseString,
} from './base-string-rfc';
export { bodyHash } from './body-hash';
export type { AsyncOAuthCrypto, HashName, OAuthCrypto, Result, SyncOAuthCrypto } from './crypto';
export { isOAuthError, OAuthError, type OAuthErrorCode } from './errors';
export { type Parameter, parseFormEncoded, serializeFormEncoded } from './form-encoding';
export type { MaybePromise } from './maybe-promise';
export { cryptoRandomBytes, generateNonce, type RandomBytes } from './nonce';
export { percentDecode, percentEncode } from './percent-encoding';
export { parseRequestUrl } from './request-url';
export {
  ACCEPTED_PRIVATE_KEY_FORMATS,
  ACCEPTED_PUBLIC_KEY_FORMATS,
  pkcs8PrivateKey,
  spkiPublicKey,
} from './rsa-key-pem';
export {
  type AsyncSignOptions,
  type Credentials,
  type RequestToSign,
  type SignedRequest,
  type Signer,
  type SignOptions,
  type SyncSignOptions,
  signerOf,
  signRequest,
} from './sign-request';
export {
  isSignatureMethodName,
  SIGNATURE_METHODS,
  type SignatureMethod,
  type SignatureMethodName,
  type SigningSecrets,
  signatureMethod,
  signingKey,
  type VerificationSecrets,
} from './signature-methods';
export { timingSafeEqual } from './timing-safe-equal';
export { parseTemporaryCredentialsResponse, parseTokenResponse, type TokenCredentials } from './token-response';
export { authorizationHeader, signedFormBody, signedQueryUrl } from './transmission';
export {
  checkTimestamp,
  type IncomingRequest,
  memoryNonceStore,
  type NonceStore,
  type VerifiedRequest,
  type VerifyOptions,
  verifyRequest,
} from './verify-request';
export { webCrypto } from './webcrypto';
