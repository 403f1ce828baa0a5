import { type AnalyzedUrl, analyzeRequestUrl, baseStringFromSortedPairs } from './base-string-fast';
import type { SignableRequest } from './base-string-rfc';
import { bodyHash } from './body-hash';
import type { AsyncOAuthCrypto, OAuthCrypto, SyncOAuthCrypto } from './crypto';
import { type EncodedPair, sortEncodedPairs } from './encoded-pairs';
import { OAuthError } from './errors';
import type { Parameter } from './form-encoding';
import { chain, type MaybePromise } from './maybe-promise';
import { cryptoRandomBytes, generateNonce, type RandomBytes } from './nonce';
import { percentEncode, percentEncodeTwice } from './percent-encoding';
import { type SignatureMethod, type SignatureMethodName, signatureMethod } from './signature-methods';
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

export interface SignOptions {
  /** Fixed nonce; by default 32 alphanumeric characters from `randomBytes`. */
  readonly nonce?: string | undefined;
  /** Fixed timestamp in whole seconds; by default taken from `now`. */
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
  readonly crypto?: OAuthCrypto | undefined;
  /** Clock in milliseconds since the epoch; `Date.now` by default. */
  readonly now?: (() => number) | undefined;
  /** CSPRNG for nonces; `crypto.getRandomValues` by default. */
  readonly randomBytes?: RandomBytes | undefined;
}

/** With a synchronous crypto (node:crypto), signing returns plain values. */
export type SyncSignOptions = SignOptions & { readonly crypto: SyncOAuthCrypto };
/** With WebCrypto (the default) or another asynchronous crypto, promises. */
export type AsyncSignOptions = SignOptions & { readonly crypto?: AsyncOAuthCrypto | undefined };

/**
 * A signing function: a plain value with a synchronous crypto, a promise
 * otherwise. With an asynchronous crypto every failure is a rejection.
 */
export interface Signer<T, R extends RequestToSign = RequestToSign> {
  (request: R, credentials: Credentials, options: SyncSignOptions): T;
  (request: R, credentials: Credentials, options?: AsyncSignOptions): Promise<T>;
  (request: R, credentials: Credentials, options?: SignOptions): T | Promise<T>;
}

export interface SignedRequest {
  /** Every protocol parameter including `oauth_signature`, sorted by name. */
  readonly protocolParameters: Parameter[];
  /** The same pairs percent-encoded (section 3.6), ready for a header, query or body. */
  readonly encodedProtocolParameters: EncodedPair[];
  readonly realm: string | undefined;
}

let sharedWebCrypto: AsyncOAuthCrypto | undefined;

/** WebCrypto, created on first use so that importing the core touches no global. */
function defaultCrypto(): AsyncOAuthCrypto {
  if (!sharedWebCrypto) sharedWebCrypto = webCrypto();
  return sharedWebCrypto;
}

/** Protocol parameter names are unreserved text, so their encoded form is themselves. */
interface Prepared {
  readonly decoded: Parameter[];
  readonly encoded: EncodedPair[];
  /** Where `oauth_signature` goes to keep both lists sorted by name. */
  readonly signatureIndex: number;
}

/**
 * Signs a request (RFC 5849 section 3.1): builds the protocol parameters,
 * the signature base string over them and the request's own parameters, and
 * the signature. Returns the protocol parameters for any of the three
 * transmission methods of section 3.5.
 */
export const signRequest = ((request: RequestToSign, credentials: Credentials, options: SignOptions = {}) => {
  const crypto = options.crypto ?? defaultCrypto();
  if (crypto.synchronous) return signNow(request, credentials, options, crypto);
  return Promise.resolve().then(() => signNow(request, credentials, options, crypto));
}) as Signer<SignedRequest>;

/** Builds a Signer that renders the signed request (a header, a body, a URL). */
export function signerOf<T, R extends RequestToSign = RequestToSign>(
  render: (signed: SignedRequest, request: R) => T,
): Signer<T, R> {
  return ((request: R, credentials: Credentials, options?: SignOptions) => {
    const signed = signRequest(request, credentials, options) as SignedRequest | Promise<SignedRequest>;
    return signed instanceof Promise ? signed.then((s) => render(s, request)) : render(signed, request);
  }) as Signer<T, R>;
}

function signNow(
  request: RequestToSign,
  credentials: Credentials,
  options: SignOptions,
  crypto: OAuthCrypto,
): MaybePromise<SignedRequest> {
  const methodName = credentials.signatureMethod ?? 'HMAC-SHA1';
  const method = signatureMethod(methodName);
  if (request.body !== undefined && request.form !== undefined) {
    throw new OAuthError('invalid_request', 'a request has a form body or a raw body, not both');
  }
  const url = analyzeRequestUrl(request.url);
  return request.body === undefined
    ? signWith(undefined, request, url, credentials, methodName, method, crypto, options)
    : chain(bodyHash(request.body, crypto, method.bodyHashAlgorithm), (hash) =>
        signWith(hash, request, url, credentials, methodName, method, crypto, options),
      );
}

function signWith(
  bodyHashValue: string | undefined,
  request: RequestToSign,
  url: AnalyzedUrl,
  credentials: Credentials,
  methodName: SignatureMethodName,
  method: SignatureMethod,
  crypto: OAuthCrypto,
  options: SignOptions,
): MaybePromise<SignedRequest> {
  const protocol = protocolParameters(bodyHashValue, credentials, methodName, options);
  refuseDuplicates(url.protocolNames, request.form, protocol.decoded);
  let baseString = '';
  if (method.usesBaseString) {
    const pairs = url.queryPairs.slice();
    const form = request.form ?? [];
    for (let i = 0; i < form.length; i++) {
      const [name, value] = form[i] as Parameter;
      // Section 3.4.1.3.1: oauth_signature is never signed, wherever it is.
      if (name !== 'oauth_signature') pairs.push([percentEncodeTwice(name), percentEncodeTwice(value)]);
    }
    for (let i = 0; i < protocol.encoded.length; i++) {
      const pair = protocol.encoded[i] as EncodedPair;
      pairs.push(pair[1].includes('%') ? [pair[0], pair[1].replaceAll('%', '%25')] : pair);
    }
    baseString = baseStringFromSortedPairs(request.method, url.encodedBaseStringUri, sortEncodedPairs(pairs));
  }
  const signature = method.sign(baseString, credentials, crypto);
  // No closure on the synchronous path: this runs once per proxied request.
  return signature instanceof Promise
    ? signature.then((value) => withSignature(protocol, value, options.realm))
    : withSignature(protocol, signature, options.realm);
}

/**
 * Section 3.2 refuses a request that carries a protocol parameter twice or in
 * two places; signing one would send it so (e.g. `?oauth_callback=oob` in the
 * URL and the `callback` option). So any that the signer sets, and
 * `oauth_signature`, may not already be in the query or the form.
 * @throws OAuthError `parameter_duplicated`
 */
function refuseDuplicates(
  queryProtocolNames: readonly string[],
  form: readonly Parameter[] | undefined,
  protocol: readonly Parameter[],
): void {
  const check = (name: string, where: string) => {
    if (!name.startsWith('oauth_')) return;
    if (name === 'oauth_signature' || protocol.some(([set]) => set === name)) {
      throw new OAuthError('parameter_duplicated', `${name} is set by the signer and must not also be in the ${where}`);
    }
  };
  for (const name of queryProtocolNames) check(name, 'URL query');
  if (form) for (let i = 0; i < form.length; i++) check((form[i] as Parameter)[0], 'form body');
}

function withSignature(protocol: Prepared, signature: string, realm: string | undefined): SignedRequest {
  protocol.decoded.splice(protocol.signatureIndex, 0, ['oauth_signature', signature]);
  protocol.encoded.splice(protocol.signatureIndex, 0, ['oauth_signature', percentEncode(signature)]);
  return { protocolParameters: protocol.decoded, encodedProtocolParameters: protocol.encoded, realm };
}

/** The protocol parameters of section 3.1, built in name order so that they never need sorting. */
function protocolParameters(
  bodyHashValue: string | undefined,
  credentials: Credentials,
  methodName: SignatureMethodName,
  options: SignOptions,
): Prepared {
  const timestamp =
    options.timestamp !== undefined
      ? wholeSeconds(options.timestamp)
      : String(Math.floor((options.now ?? Date.now)() / 1000));
  const nonce = options.nonce ?? generateNonce(options.randomBytes ?? cryptoRandomBytes);
  const decoded: EncodedPair[] = [];
  if (bodyHashValue !== undefined) decoded.push(['oauth_body_hash', bodyHashValue]);
  if (options.callback !== undefined) decoded.push(['oauth_callback', options.callback]);
  decoded.push(['oauth_consumer_key', credentials.consumerKey], ['oauth_nonce', nonce]);
  const signatureIndex = decoded.length;
  decoded.push(['oauth_signature_method', methodName], ['oauth_timestamp', timestamp]);
  if (credentials.token !== undefined) decoded.push(['oauth_token', credentials.token]);
  if (options.verifier !== undefined) decoded.push(['oauth_verifier', options.verifier]);
  if (options.includeVersion !== false) decoded.push(['oauth_version', '1.0']);

  // Most values are unreserved text that encodes to itself: share the pair then.
  // The method name and version are constants of that kind.
  const encoded = new Array<EncodedPair>(decoded.length);
  for (let i = 0; i < decoded.length; i++) {
    const pair = decoded[i] as EncodedPair;
    const constant = pair[0] === 'oauth_signature_method' || pair[0] === 'oauth_version';
    const value = constant ? pair[1] : percentEncode(pair[1]);
    encoded[i] = value === pair[1] ? pair : [pair[0], value];
  }
  return { decoded, encoded, signatureIndex };
}

/** Section 3.3: a positive integer of seconds. A fraction would be refused by providers, so it is refused here. */
function wholeSeconds(timestamp: number | string): string {
  const text = String(timestamp);
  if (!/^[0-9]{1,15}$/.test(text)) {
    throw new OAuthError('invalid_request', `the timestamp must be whole seconds, not ${text}`);
  }
  return text;
}
