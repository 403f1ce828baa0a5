import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

/** A test install: a P-256 key pair that signs DPoP proofs, as the extension's background does. */
export interface TestInstall {
  readonly installId: string;
  readonly publicJwk: JWK;
  proof(method: string, url: string, overrides?: ProofOverrides): Promise<string>;
}

export interface ProofOverrides {
  readonly iat?: number;
  readonly jti?: string;
  readonly htm?: string;
  readonly htu?: string;
  readonly typ?: string;
  readonly jwk?: JWK;
}

export async function makeInstall(): Promise<TestInstall> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return {
    installId: await calculateJwkThumbprint(publicJwk, 'sha256'),
    publicJwk,
    proof: (method, url, overrides = {}) =>
      new SignJWT({
        htm: overrides.htm ?? method,
        htu: overrides.htu ?? url,
        jti: overrides.jti ?? randomUUID(),
        iat: overrides.iat ?? Math.floor(Date.now() / 1000),
      })
        .setProtectedHeader({ alg: 'ES256', typ: overrides.typ ?? 'dpop+jwt', jwk: overrides.jwk ?? publicJwk })
        .sign(privateKey),
  };
}
