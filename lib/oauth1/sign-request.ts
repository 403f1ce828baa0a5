import {
  collectParameters,
  joinBaseString,
  normalizeParameters,
  parseRequestUrl,
  type SignableRequest,
} from './base-string';
import { bodyHash } from './body-hash';
import type { AsyncOAuthCrypto, OAuthCrypto, Result } from './crypto';
import { OAuthError } from './errors';
import type { Parameter } from './form-encoding';
import { chain } from './maybe-promise';
import { cryptoRandomBytes, generateNonce, type RandomBytes } from './nonce';
import { type SignatureMethodName, signatureMethod } from './signature-methods';
import { webCrypto } from './webcrypto';

export interface RequestToSign extends SignableRequest {
  /**
   * A raw body that is not form-encoded (JSON, XML, …). When present, it is
   * covered by `oauth_body_hash`; pass it only to providers that want that.
   */
  readonly body?: string | Uint8Array | undefined;
}

export interface Credentials {
  readonly consumerKey: string;
  readonly consumerSecret: string;
  readonly token?: string | undefined;
  readonly tokenSecret?: string | undefined;
  /** HMAC-SHA1 unless told otherwise. */
  readonly signatureMethod?: SignatureMethodName | undefined;
  /** PKCS#8 PEM private key for RSA-SHA1 / RSA-SHA256. */
  readonly privateKey?: string | undefined;
}

export interface SignOptions<Sync extends boolean = false> {
  /** Fixed nonce; by default 32 alphanumeric characters from `randomBytes`. */
  readonly nonce?: string | undefined;
  /** Fixed timestamp in seconds; by default taken from `now`. */
  readonly timestamp?: number | string | undefined;
  /** Authorization header realm (never signed). */
  readonly realm?: string | undefined;
  /** `oauth_callback`, for a temporary-credentials request ("oob" for PIN flows). */
  readonly callback?: string | undefined;
  /** `oauth_verifier`, for a token request. */
  readonly verifier?: string | undefined;
  /** Send `oauth_version="1.0"` (optional per RFC 5849; some providers want it). Default true. */
  readonly includeVersion?: boolean | undefined;
  /** Crypto to sign with; WebCrypto (asynchronous) by default. */
  readonly crypto?: OAuthCrypto<Sync> | undefined;
  /** Clock in milliseconds since the epoch; `Date.now` by default. */
  readonly now?: (() => number) | undefined;
  /** CSPRNG for nonces; `crypto.getRandomValues` by default. */
  readonly randomBytes?: RandomBytes | undefined;
}

export interface SignedRequest {
  /** Every protocol parameter including `oauth_signature`, sorted by name. */
  readonly protocolParameters: Parameter[];
  readonly realm: string | undefined;
}

let sharedWebCrypto: AsyncOAuthCrypto | undefined;

/** WebCrypto, created on first use so that importing the core touches no global. */
function defaultCrypto(): AsyncOAuthCrypto {
  if (!sharedWebCrypto) sharedWebCrypto = webCrypto();
  return sharedWebCrypto;
}

/**
 * Signs a request (RFC 5849 section 3.1): builds the protocol parameters,
 * the signature base string over them and the request's own parameters, and
 * the signature. Returns the protocol parameters for any of the three
 * transmission methods of section 3.5.
 */
export function signRequest<Sync extends boolean = false>(
  request: RequestToSign,
  credentials: Credentials,
  options: SignOptions<Sync> = {},
): Result<Sync, SignedRequest> {
  const methodName = credentials.signatureMethod ?? 'HMAC-SHA1';
  const method = signatureMethod(methodName);
  const crypto = (options.crypto ?? defaultCrypto()) as OAuthCrypto;
  if (request.body !== undefined && request.form !== undefined) {
    throw new OAuthError('invalid_request', 'a request has a form body or a raw body, not both');
  }
  const url = parseRequestUrl(request.url);
  const timestamp = String(options.timestamp ?? Math.floor((options.now ?? Date.now)() / 1000));
  const nonce = options.nonce ?? generateNonce(options.randomBytes ?? cryptoRandomBytes);

  const sign = (bodyHashValue: string | undefined) => {
    // Built in name order so the header reads sorted; the signature slots in after the nonce.
    const parameters: Parameter[] = [];
    if (bodyHashValue !== undefined) parameters.push(['oauth_body_hash', bodyHashValue]);
    if (options.callback !== undefined) parameters.push(['oauth_callback', options.callback]);
    parameters.push(['oauth_consumer_key', credentials.consumerKey], ['oauth_nonce', nonce]);
    const signatureIndex = parameters.length;
    parameters.push(['oauth_signature_method', methodName], ['oauth_timestamp', timestamp]);
    if (credentials.token !== undefined) parameters.push(['oauth_token', credentials.token]);
    if (options.verifier !== undefined) parameters.push(['oauth_verifier', options.verifier]);
    if (options.includeVersion !== false) parameters.push(['oauth_version', '1.0']);

    const baseString = method.usesBaseString
      ? joinBaseString(
          request.method,
          `${url.protocol}//${url.host}${url.pathname}`,
          normalizeParameters(collectParameters({ method: request.method, url, form: request.form }, parameters)),
        )
      : '';
    return chain(method.sign(baseString, credentials, crypto), (signature): SignedRequest => {
      parameters.splice(signatureIndex, 0, ['oauth_signature', signature]);
      return { protocolParameters: parameters, realm: options.realm };
    });
  };

  const result = request.body === undefined ? sign(undefined) : chain(bodyHash(request.body, crypto), sign);
  return result as Result<Sync, SignedRequest>;
}
