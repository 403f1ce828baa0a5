import type { AnyResult, HashName, OAuthCrypto } from './crypto';
import { OAuthError } from './errors';
import { chain } from './maybe-promise';
import { percentEncode } from './percent-encoding';
import { timingSafeEqual } from './timing-safe-equal';

export interface SigningSecrets {
  readonly consumerSecret: string;
  readonly tokenSecret?: string | undefined;
  /** PKCS#8 PEM private key, for the RSA methods. */
  readonly privateKey?: string | undefined;
}

export interface VerificationSecrets {
  readonly consumerSecret?: string | undefined;
  readonly tokenSecret?: string | undefined;
  /** SPKI PEM public key of the consumer, for the RSA methods. */
  readonly publicKey?: string | undefined;
  /**
   * The methods this consumer may sign with. By default: the RSA methods for
   * a consumer with a public key, the HMAC methods for one with a secret.
   * A request never chooses the kind of key it is checked with.
   */
  readonly signatureMethods?: readonly SignatureMethodName[] | undefined;
}

/** One row of the signature-method table (RFC 5849 section 3.4). */
export interface SignatureMethod {
  /** Which kind of key signs: a shared secret, an RSA key, or the secrets in clear. */
  readonly family: 'hmac' | 'rsa' | 'plaintext';
  /** The digest `oauth_body_hash` uses with this method (the body-hash draft ties it to the method's hash). */
  readonly bodyHashAlgorithm: HashName;
  /** PLAINTEXT signs no base string, so building one would be wasted work. */
  readonly usesBaseString: boolean;
  /** Whether `oauth_timestamp` and `oauth_nonce` are required (section 3.1: not for PLAINTEXT). */
  readonly requiresTimestampAndNonce: boolean;
  sign(baseString: string, secrets: SigningSecrets, crypto: OAuthCrypto): AnyResult<string>;
  verify(baseString: string, signature: string, secrets: VerificationSecrets, crypto: OAuthCrypto): AnyResult<boolean>;
}

/** Section 3.4.2 (and its SHA-2 variants): the key is `encode(consumer secret)&encode(token secret)`. */
function hmacMethod(hash: HashName): SignatureMethod {
  return {
    family: 'hmac',
    bodyHashAlgorithm: hash,
    usesBaseString: true,
    requiresTimestampAndNonce: true,
    sign: (baseString, secrets, crypto) => crypto.hmac(hash, signingKey(secrets), baseString),
    verify: (baseString, signature, secrets, crypto) => {
      // An empty consumer secret makes the key public for token-less requests.
      if (!secrets.consumerSecret) return false;
      return chain(crypto.hmac(hash, signingKey(secrets as SigningSecrets), baseString), (expected) =>
        timingSafeEqual(expected, signature),
      );
    },
  };
}

/** Section 3.4.3 (and RSA-SHA256): RSASSA-PKCS1-v1_5 over the base string with the consumer's key. */
function rsaMethod(hash: HashName): SignatureMethod {
  return {
    family: 'rsa',
    bodyHashAlgorithm: hash,
    usesBaseString: true,
    requiresTimestampAndNonce: true,
    sign: (baseString, secrets, crypto) => {
      if (!secrets.privateKey) throw new OAuthError('missing_key', 'RSA signature methods need a privateKey');
      return crypto.rsaSign(hash, secrets.privateKey, baseString);
    },
    verify: (baseString, signature, secrets, crypto) => {
      if (!secrets.publicKey) return false;
      return crypto.rsaVerify(hash, secrets.publicKey, baseString, signature);
    },
  };
}

/** Section 3.4.4: the signature is the key itself; only safe over TLS. */
const plaintextMethod: SignatureMethod = {
  family: 'plaintext',
  bodyHashAlgorithm: 'SHA-1',
  usesBaseString: false,
  requiresTimestampAndNonce: false,
  sign: (_baseString, secrets) => signingKey(secrets),
  verify: (_baseString, signature, secrets) =>
    Boolean(secrets.consumerSecret) && timingSafeEqual(signingKey(secrets as SigningSecrets), signature),
};

export const SIGNATURE_METHODS = {
  'HMAC-SHA1': hmacMethod('SHA-1'),
  'HMAC-SHA256': hmacMethod('SHA-256'),
  'HMAC-SHA512': hmacMethod('SHA-512'),
  'RSA-SHA1': rsaMethod('SHA-1'),
  'RSA-SHA256': rsaMethod('SHA-256'),
  PLAINTEXT: plaintextMethod,
} as const satisfies Record<string, SignatureMethod>;

export type SignatureMethodName = keyof typeof SIGNATURE_METHODS;

export function isSignatureMethodName(name: string): name is SignatureMethodName {
  return Object.hasOwn(SIGNATURE_METHODS, name);
}

export function signatureMethod(name: string): SignatureMethod {
  if (!isSignatureMethodName(name)) {
    throw new OAuthError('unsupported_signature_method', `unsupported signature method: ${name}`);
  }
  return SIGNATURE_METHODS[name];
}

/** Section 3.4.2 key, also the PLAINTEXT signature (3.4.4): both secrets encoded, joined by `&`. */
export function signingKey(secrets: SigningSecrets): string {
  return `${percentEncode(secrets.consumerSecret)}&${percentEncode(secrets.tokenSecret ?? '')}`;
}
