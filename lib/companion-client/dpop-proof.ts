import { exportJWK, SignJWT } from 'jose';

export interface ProofInputs {
  readonly keyPair: CryptoKeyPair;
  readonly method: string;
  /** The request URL; its query and fragment are not part of the proof (RFC 9449 section 4.2). */
  readonly url: string;
  /** Milliseconds since the epoch. */
  readonly now: number;
}

/**
 * A DPoP proof (RFC 9449 section 4.2) for one request: a JWT of type
 * `dpop+jwt`, ES256, carrying the public key, for this method and URL, with
 * a fresh random `jti`. The companion refuses it for any other request, after
 * 60 seconds, and a second time.
 */
export async function createProof({ keyPair, method, url, now }: ProofInputs): Promise<string> {
  const { kty, crv, x, y } = await exportJWK(keyPair.publicKey);
  if (kty !== 'EC' || crv !== 'P-256' || !x || !y) throw new TypeError('the install key is not a P-256 key');
  const target = new URL(url);
  return new SignJWT({
    htm: method.toUpperCase(),
    htu: `${target.origin}${target.pathname}`,
    jti: crypto.randomUUID(),
    iat: Math.floor(now / 1000),
  })
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y } })
    .sign(keyPair.privateKey);
}
