import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../../lib/protocol';
import { type ProofContext, verifyProof } from '../../../server/dpop/verify-proof';
import { CompanionError } from '../../../server/errors';
import { makeInstall, type TestInstall } from '../../support/dpop';

const URL_ = 'https://companion.example/v1/flows';
let install: TestInstall;

beforeAll(async () => {
  install = await makeInstall();
});

function context(overrides: Partial<ProofContext> = {}): ProofContext {
  const seen = new Set<string>();
  return {
    method: 'POST',
    url: URL_,
    now: Date.now(),
    remember: async (key) => {
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    },
    ...overrides,
  };
}

async function expectCode(promise: Promise<unknown>, code: ErrorCode) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CompanionError);
  expect((error as CompanionError).code).toBe(code);
}

describe('verifyProof (RFC 9449)', () => {
  it('accepts a fresh proof and names the install by its key thumbprint', async () => {
    await expect(verifyProof(await install.proof('POST', URL_), context())).resolves.toEqual({
      installId: install.installId,
    });
  });

  it('ignores query and fragment in htu, and tolerates default ports', async () => {
    const proof = await install.proof('POST', 'https://companion.example:443/v1/flows?x=1#f');
    await expect(verifyProof(proof, context())).resolves.toBeDefined();
  });

  it('refuses a missing proof', async () => {
    await expectCode(verifyProof(undefined, context()), 'dpop_missing');
  });

  it('refuses a replayed proof', async () => {
    const ctx = context();
    const proof = await install.proof('POST', URL_);
    await verifyProof(proof, ctx);
    await expectCode(verifyProof(proof, ctx), 'dpop_replayed');
  });

  it('refuses a proof for another method or URL', async () => {
    await expectCode(verifyProof(await install.proof('GET', URL_), context()), 'dpop_mismatch');
    await expectCode(
      verifyProof(await install.proof('POST', 'https://companion.example/v1/accounts'), context()),
      'dpop_mismatch',
    );
    await expectCode(
      verifyProof(await install.proof('POST', 'https://evil.example/v1/flows'), context()),
      'dpop_mismatch',
    );
  });

  it('refuses a proof issued outside ±60 s', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectCode(verifyProof(await install.proof('POST', URL_, { iat: now - 61 }), context()), 'dpop_stale');
    await expectCode(verifyProof(await install.proof('POST', URL_, { iat: now + 61 }), context()), 'dpop_stale');
  });

  it('refuses a proof signed by another key than the one it carries', async () => {
    const other = await makeInstall();
    const forged = await install.proof('POST', URL_, { jwk: other.publicJwk });
    await expectCode(verifyProof(forged, context()), 'dpop_invalid');
  });

  it('refuses the wrong typ, a short jti, a private key in the header, and garbage', async () => {
    await expectCode(verifyProof(await install.proof('POST', URL_, { typ: 'JWT' }), context()), 'dpop_invalid');
    await expectCode(verifyProof(await install.proof('POST', URL_, { jti: 'short' }), context()), 'dpop_invalid');
    await expectCode(verifyProof('not.a.jwt', context()), 'dpop_invalid');
    await expectCode(verifyProof('a,b', context()), 'dpop_invalid');
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    const leaking = await new SignJWT({
      htm: 'POST',
      htu: URL_,
      jti: 'x'.repeat(20),
      iat: Math.floor(Date.now() / 1000),
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: privateJwk })
      .sign(privateKey);
    await expectCode(verifyProof(leaking, context()), 'dpop_invalid');
  });

  it('refuses coordinates written other than canonically, so one key has one install id', async () => {
    const padded = { ...install.publicJwk, x: `${install.publicJwk.x}=` };
    await expectCode(verifyProof(await install.proof('POST', URL_, { jwk: padded }), context()), 'dpop_invalid');
    // Same 32 bytes, another spelling: the last character's two unused bits set.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const x = install.publicJwk.x as string;
    const last = alphabet.indexOf(x.at(-1) as string);
    const respelled = { ...install.publicJwk, x: `${x.slice(0, -1)}${alphabet[last ^ 1]}` };
    expect(Buffer.from(respelled.x, 'base64url')).toEqual(Buffer.from(x, 'base64url'));
    await expectCode(verifyProof(await install.proof('POST', URL_, { jwk: respelled }), context()), 'dpop_invalid');
  });

  it('refuses other algorithms, HS256 included', async () => {
    const hs = await new SignJWT({ htm: 'POST', htu: URL_, jti: 'x'.repeat(20), iat: Math.floor(Date.now() / 1000) })
      .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: install.publicJwk })
      .sign(new Uint8Array(32));
    await expectCode(verifyProof(hs, context()), 'dpop_invalid');
  });

  describe('the signature, checked with node:crypto', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    /** A proof put together by hand, so each part can be written wrongly on purpose. */
    function handMade(options: { header?: object; claims?: object; encoding?: 'der' | 'ieee-p1363' } = {}): string {
      const header = part({ alg: 'ES256', typ: 'dpop+jwt', jwk, ...options.header });
      const payload = part({
        htm: 'POST',
        htu: URL_,
        jti: randomUUID(),
        iat: Math.floor(Date.now() / 1000),
        ...options.claims,
      });
      const signature = sign('sha256', Buffer.from(`${header}.${payload}`), {
        key: privateKey,
        dsaEncoding: options.encoding ?? 'ieee-p1363',
      });
      return `${header}.${payload}.${signature.toString('base64url')}`;
    }

    it('accepts a proof made independently of jose', async () => {
      await expect(verifyProof(handMade(), context())).resolves.toHaveProperty('installId');
    });

    it('refuses a DER signature, stray characters, an extra part and a swapped payload', async () => {
      await expectCode(verifyProof(handMade({ encoding: 'der' }), context()), 'dpop_invalid');
      const good = handMade();
      const [header, payload, signature] = good.split('.') as [string, string, string];
      // Buffer's base64url decoder would skip the '!' and find the same 64 bytes.
      await expectCode(
        verifyProof(`${header}.${payload}.${signature.slice(0, 40)}!${signature.slice(40)}`, context()),
        'dpop_invalid',
      );
      await expectCode(verifyProof(`${good}.${signature}`, context()), 'dpop_invalid');
      const otherPayload = handMade().split('.')[1];
      await expectCode(verifyProof(`${header}.${otherPayload}.${signature}`, context()), 'dpop_invalid');
    });

    it('takes a proof at its own exp and nbf, which DPoP does not require', async () => {
      const now = Math.floor(Date.now() / 1000);
      await expectCode(verifyProof(handMade({ claims: { exp: now - 1 } }), context()), 'dpop_stale');
      await expectCode(verifyProof(handMade({ claims: { nbf: now + 30 } }), context()), 'dpop_stale');
      await expect(
        verifyProof(handMade({ claims: { exp: now + 30, nbf: now - 1 } }), context()),
      ).resolves.toBeDefined();
    });

    it('refuses a JWS extension it does not understand (crit, b64)', async () => {
      await expectCode(verifyProof(handMade({ header: { crit: ['exp'] } }), context()), 'dpop_invalid');
      await expectCode(verifyProof(handMade({ header: { b64: false, crit: ['b64'] } }), context()), 'dpop_invalid');
    });
  });
});
