import { parseAuthorizationHeader } from './authorization-header';
import { baseStringUri, collectParameters, joinBaseString, normalizeParameters } from './base-string-rfc';
import type { OAuthCrypto } from './crypto';
import { OAuthError } from './errors';
import { type Parameter, parseFormEncoded } from './form-encoding';
import type { MaybePromise } from './maybe-promise';
import { parseRequestUrl } from './request-url';
import {
  type SignatureMethod,
  type SignatureMethodName,
  signatureMethod,
  type VerificationSecrets,
} from './signature-methods';
import { timingSafeEqual } from './timing-safe-equal';

/** A request as a provider receives it. */
export interface IncomingRequest {
  readonly method: string;
  /** The full URL as requested, query included. */
  readonly url: string | URL;
  /** Decoded form body pairs, when the body is `application/x-www-form-urlencoded`. */
  readonly form?: readonly Parameter[] | undefined;
  /** Any other body, as received: checked against `oauth_body_hash` when the request has one. */
  readonly body?: string | Uint8Array | undefined;
  /** The Authorization header, if any. */
  readonly authorization?: string | null | undefined;
}

/**
 * Remembers nonces (RFC 5849 section 3.3). `remember` records a key and
 * answers false when it was already there. An entry may be forgotten after
 * `expiresAtSeconds`: by then its timestamp is outside the window anyway.
 */
export interface NonceStore {
  remember(key: string, expiresAtSeconds: number): MaybePromise<boolean>;
}

export interface VerifyOptions {
  readonly crypto: OAuthCrypto;
  /** Clock in milliseconds. */
  readonly now: () => number;
  readonly nonceStore: NonceStore;
  /** How far `oauth_timestamp` may be from now, either way (default 300 s). */
  readonly timestampWindowSeconds?: number;
  /** Signature methods the provider accepts at all (default: HMAC and RSA; PLAINTEXT must be opted in). */
  readonly signatureMethods?: readonly SignatureMethodName[];
  /** Require `oauth_body_hash` on requests with a non-form body (default: checked when present). */
  readonly requireBodyHash?: boolean;
  /** The secrets for a consumer key and token, or undefined when either is unknown. */
  lookupSecrets(consumerKey: string, token: string | undefined): MaybePromise<VerificationSecrets | undefined>;
}

export interface VerifiedRequest {
  readonly consumerKey: string;
  readonly token: string | undefined;
  readonly signatureMethod: SignatureMethodName;
  /** The protocol parameters (each name once), e.g. `oauth_callback`, `oauth_verifier`. */
  readonly protocolParameters: ReadonlyMap<string, string>;
}

const DEFAULT_METHODS: readonly SignatureMethodName[] = [
  'HMAC-SHA1',
  'HMAC-SHA256',
  'HMAC-SHA512',
  'RSA-SHA1',
  'RSA-SHA256',
];
const RSA_METHODS: readonly SignatureMethodName[] = ['RSA-SHA1', 'RSA-SHA256'];
const SECRET_METHODS: readonly SignatureMethodName[] = ['HMAC-SHA1', 'HMAC-SHA256', 'HMAC-SHA512', 'PLAINTEXT'];

/**
 * Verifies a signed request the way a provider must (RFC 5849 section 3.2):
 * protocol parameters present once, a method the provider and this consumer
 * accept, a fresh timestamp, the body hash, the signature (compared in
 * constant time), and an unused nonce. Throws an OAuthError whose code says
 * which check failed.
 */
export async function verifyRequest(request: IncomingRequest, options: VerifyOptions): Promise<VerifiedRequest> {
  const url = parseRequestUrl(request.url);
  const header = request.authorization ? parseAuthorizationHeader(request.authorization) : undefined;
  const protocol = protocolParametersOf([
    ...(header?.parameters ?? []),
    ...parseFormEncoded(url.search.slice(1)),
    ...(request.form ?? []),
  ]);

  const consumerKey = required(protocol, 'oauth_consumer_key');
  const methodName = required(protocol, 'oauth_signature_method');
  const signature = required(protocol, 'oauth_signature');
  const token = protocol.get('oauth_token');
  const version = protocol.get('oauth_version');
  if (version !== undefined && version !== '1.0') {
    throw new OAuthError('parameter_rejected', `oauth_version must be 1.0, not ${version}`);
  }
  const method = signatureMethod(methodName);
  if (!(options.signatureMethods ?? DEFAULT_METHODS).includes(methodName as SignatureMethodName)) {
    throw new OAuthError('unsupported_signature_method', `this provider does not accept ${methodName}`);
  }

  const timestamp = protocol.get('oauth_timestamp');
  const nonce = protocol.get('oauth_nonce');
  const window = options.timestampWindowSeconds ?? 300;
  if (method.requiresTimestampAndNonce || timestamp !== undefined) {
    checkTimestamp(required(protocol, 'oauth_timestamp'), options.now(), window);
  }
  if (method.requiresTimestampAndNonce) required(protocol, 'oauth_nonce');

  const secrets = await options.lookupSecrets(consumerKey, token);
  if (!secrets) throw new OAuthError('unknown_credentials', 'unknown consumer key or token');
  // The consumer's kind of key decides the methods, never the request: an
  // RSA consumer has no shared secret an HMAC signature could be checked with.
  const consumerMethods = secrets.signatureMethods ?? (secrets.publicKey ? RSA_METHODS : SECRET_METHODS);
  if (!consumerMethods.includes(methodName as SignatureMethodName)) {
    throw new OAuthError('unsupported_signature_method', `this consumer does not sign with ${methodName}`);
  }

  await checkBodyHash(request, protocol.get('oauth_body_hash'), method, options);

  // The header's parameters are the protocol parameters; query and form ones
  // are collected from the request itself.
  const baseString = method.usesBaseString
    ? joinBaseString(
        request.method,
        baseStringUri(url),
        normalizeParameters(
          collectParameters({ method: request.method, url, form: request.form }, header?.parameters ?? []),
        ),
      )
    : '';
  if (!(await method.verify(baseString, signature, secrets, options.crypto))) {
    throw new OAuthError('signature_invalid', 'the signature does not match');
  }

  // Checked after the signature, so that unsigned requests cannot fill the store.
  if (nonce !== undefined && timestamp !== undefined) {
    const key = JSON.stringify([consumerKey, token ?? null, timestamp, nonce]);
    // The timestamp stays acceptable until T + window (whole seconds, inclusive),
    // so the nonce must be remembered until then.
    if (!(await options.nonceStore.remember(key, Number(timestamp) + window + 1))) {
      throw new OAuthError('nonce_used', 'this nonce was already used with this timestamp');
    }
  }
  return { consumerKey, token, signatureMethod: methodName as SignatureMethodName, protocolParameters: protocol };
}

/** Section 3.3: the timestamp is a positive integer of seconds, within `windowSeconds` of now. */
export function checkTimestamp(timestamp: string, nowMilliseconds: number, windowSeconds: number): void {
  if (!/^[0-9]{1,15}$/.test(timestamp)) {
    throw new OAuthError('parameter_rejected', 'oauth_timestamp must be a whole number of seconds');
  }
  const skew = Math.abs(Number(timestamp) - Math.floor(nowMilliseconds / 1000));
  if (skew > windowSeconds) {
    throw new OAuthError('timestamp_refused', `oauth_timestamp is ${skew} s away from the provider's clock`);
  }
}

/**
 * OAuth Request Body Hash: the hash signs a non-form body, so it must match
 * the body received; a form body is signed directly and must not carry one.
 */
async function checkBodyHash(
  request: IncomingRequest,
  claimed: string | undefined,
  method: SignatureMethod,
  options: VerifyOptions,
): Promise<void> {
  if (claimed === undefined) {
    if (options.requireBodyHash && request.body !== undefined) {
      throw new OAuthError('parameter_absent', 'oauth_body_hash is missing');
    }
    return;
  }
  if (request.form !== undefined) {
    throw new OAuthError('parameter_rejected', 'oauth_body_hash must not be sent with a form body');
  }
  const body =
    typeof request.body === 'string' ? new TextEncoder().encode(request.body) : (request.body ?? new Uint8Array());
  const actual = await options.crypto.digest(method.bodyHashAlgorithm, body);
  if (!timingSafeEqual(actual, claimed)) {
    throw new OAuthError('body_hash_invalid', 'the body does not match oauth_body_hash');
  }
}

function protocolParametersOf(parameters: readonly Parameter[]): Map<string, string> {
  const protocol = new Map<string, string>();
  for (const [name, value] of parameters) {
    if (!name.startsWith('oauth_')) continue;
    if (protocol.has(name)) throw new OAuthError('parameter_duplicated', `${name} appears more than once`);
    protocol.set(name, value);
  }
  return protocol;
}

function required(protocol: ReadonlyMap<string, string>, name: string): string {
  const value = protocol.get(name);
  if (value === undefined) throw new OAuthError('parameter_absent', `${name} is missing`);
  return value;
}

/**
 * A NonceStore in memory, for a single process (the dev provider, tests).
 * Expired entries are swept at most once a second; its size is bounded by
 * the request rate times the timestamp window.
 */
export function memoryNonceStore(now: () => number): NonceStore {
  const expiries = new Map<string, number>();
  let lastSweep = 0;
  return {
    remember(key, expiresAtSeconds) {
      const nowSeconds = now() / 1000;
      if (nowSeconds - lastSweep >= 1) {
        for (const [seen, expiry] of expiries) if (expiry < nowSeconds) expiries.delete(seen);
        lastSweep = nowSeconds;
      }
      const expiry = expiries.get(key);
      if (expiry !== undefined && expiry >= nowSeconds) return false;
      expiries.set(key, expiresAtSeconds);
      return true;
    },
  };
}
