import { OAuthError } from './errors';

/**
 * RSA keys for RSA-SHA1 (RFC 5849 section 3.4.3) as PEM text. WebCrypto imports
 * only PKCS#8 private keys and SPKI public keys; providers hand out PKCS#1 ones
 * too (`openssl genrsa` of OpenSSL 1.x writes `BEGIN RSA PRIVATE KEY`, and
 * Jira's application-link guide uses it). So both forms are accepted and the
 * PKCS#1 ones wrapped into the other (RFC 5958 section 2, RFC 5280 section
 * 4.1.2.7, with the rsaEncryption identifier of RFC 8017 appendix A.1).
 */

/** What `privateKey` accepts, named in every refusal. */
export const ACCEPTED_PRIVATE_KEY_FORMATS = 'PKCS#8 ("BEGIN PRIVATE KEY") or PKCS#1 ("BEGIN RSA PRIVATE KEY") PEM';
/** What a public key (for verification) may be. */
export const ACCEPTED_PUBLIC_KEY_FORMATS = 'SPKI ("BEGIN PUBLIC KEY") or PKCS#1 ("BEGIN RSA PUBLIC KEY") PEM';

/** AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }, DER. */
const RSA_ENCRYPTION = [0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00];

/**
 * A private key's PKCS#8 DER bytes, from PKCS#8 or PKCS#1 PEM.
 * @throws OAuthError `invalid_key` for any other text (OpenSSH keys, certificates, garbage)
 */
export function pkcs8PrivateKey(pem: string): Uint8Array<ArrayBuffer> {
  const { label, der } = pemBlock(pem, ACCEPTED_PRIVATE_KEY_FORMATS);
  if (label === 'PRIVATE KEY') return derSequenceOrRefuse(der, ACCEPTED_PRIVATE_KEY_FORMATS);
  if (label === 'RSA PRIVATE KEY') {
    derSequenceOrRefuse(der, ACCEPTED_PRIVATE_KEY_FORMATS);
    // PrivateKeyInfo ::= SEQUENCE { version 0, privateKeyAlgorithm, privateKey OCTET STRING }
    return derSequence([0x02, 0x01, 0x00], RSA_ENCRYPTION, derElement(0x04, der));
  }
  throw refusal(`a "${label}" block is not an RSA private key`, ACCEPTED_PRIVATE_KEY_FORMATS);
}

/**
 * A public key's SPKI DER bytes, from SPKI or PKCS#1 PEM.
 * @throws OAuthError `invalid_key` for any other text
 */
export function spkiPublicKey(pem: string): Uint8Array<ArrayBuffer> {
  const { label, der } = pemBlock(pem, ACCEPTED_PUBLIC_KEY_FORMATS);
  if (label === 'PUBLIC KEY') return derSequenceOrRefuse(der, ACCEPTED_PUBLIC_KEY_FORMATS);
  if (label === 'RSA PUBLIC KEY') {
    derSequenceOrRefuse(der, ACCEPTED_PUBLIC_KEY_FORMATS);
    // SubjectPublicKeyInfo ::= SEQUENCE { algorithm, subjectPublicKey BIT STRING (no unused bits) }
    return derSequence(RSA_ENCRYPTION, derElement(0x03, concat([0x00], der)));
  }
  throw refusal(`a "${label}" block is not an RSA public key`, ACCEPTED_PUBLIC_KEY_FORMATS);
}

/** The one PEM block of `text` (RFC 7468): its label and its DER bytes. */
function pemBlock(text: string, accepted: string): { label: string; der: Uint8Array<ArrayBuffer> } {
  const match = /-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\s]*)-----END \1-----/.exec(text);
  if (!match) throw refusal('it is not a PEM block', accepted);
  const [, label = '', body = ''] = match;
  const base64 = body.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0) {
    throw refusal('its PEM body is not base64', accepted);
  }
  const binary = atob(base64);
  const der = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) der[i] = binary.charCodeAt(i);
  return { label, der };
}

/** Every key form here is a DER SEQUENCE; anything else is not worth handing to a crypto library. */
function derSequenceOrRefuse(der: Uint8Array<ArrayBuffer>, accepted: string): Uint8Array<ArrayBuffer> {
  if (der[0] !== 0x30) throw refusal('its PEM body is not a DER sequence', accepted);
  return der;
}

function refusal(why: string, accepted: string): OAuthError {
  return new OAuthError('invalid_key', `the RSA key cannot be used: ${why}; use ${accepted}`);
}

function derSequence(...parts: ArrayLike<number>[]): Uint8Array<ArrayBuffer> {
  return derElement(0x30, concat(...parts));
}

/** A DER tag-length-value (X.690 section 8.1.3: short form under 128 bytes, else long form). */
function derElement(tag: number, content: ArrayLike<number>): Uint8Array<ArrayBuffer> {
  const length = content.length;
  const lengthBytes: number[] = [];
  if (length < 0x80) {
    lengthBytes.push(length);
  } else {
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) lengthBytes.unshift(rest % 256);
    lengthBytes.unshift(0x80 | lengthBytes.length);
  }
  return concat([tag], lengthBytes, content);
}

function concat(...parts: ArrayLike<number>[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
