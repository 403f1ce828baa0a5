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
    /** A proof put together by hand, so each part can be written wrongly on purpose. */
    function handMade(
      options: {
        header?: object;
        claims?: object;
        encoding?: 'der' | 'ieee-p1363';
        /** The payload's JSON text as is (e.g. with a name twice), instead of `claims`. */
        payloadText?: string;
        /** How the first two parts are encoded: base64url (right) or padded standard base64 (wrong). */
        parts?: 'base64url' | 'base64';
      } = {},
    ): string {
      const encode = (text: string) =>
        options.parts === 'base64' ? Buffer.from(text).toString('base64') : Buffer.from(text).toString('base64url');
      const header = encode(JSON.stringify({ alg: 'ES256', typ: 'dpop+jwt', jwk, ...options.header }));
      const payload = encode(
        options.payloadText ??
          JSON.stringify({
            htm: 'POST',
            htu: URL_,
            jti: randomUUID(),
            iat: Math.floor(Date.now() / 1000),
            ...options.claims,
          }),
      );
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

    it('refuses an htu with userinfo, white space, or a host written otherwise than the URL parser does', async () => {
      for (const htu of [
        'https://user:pw@companion.example/v1/flows',
        'https://compan\tion.example/v1/flows',
        'https://companion.example/v1/flows ',
        'https://COMPANION.example:443/v1/flows',
      ]) {
        const expected = htu.includes('COMPANION') ? undefined : 'dpop_invalid';
        const proof = verifyProof(handMade({ claims: { htu } }), context());
        if (expected) await expectCode(proof, expected);
        else await expect(proof).resolves.toHaveProperty('installId'); // case and default port are the same URI
      }
      const local = context({ url: 'http://127.0.0.1:8787/v1/flows' });
      await expectCode(
        verifyProof(handMade({ claims: { htu: 'http://2130706433:8787/v1/flows' } }), local),
        'dpop_invalid',
      );
      await expectCode(
        verifyProof(handMade({ claims: { htu: 'http://0x7f.1:8787/v1/flows' } }), local),
        'dpop_invalid',
      );
    });

    it('refuses a payload that names htu twice, and parts in padded standard base64', async () => {
      const iat = Math.floor(Date.now() / 1000);
      const twice = `{"htm":"POST","htu":"https://elsewhere.example/v1/flows","jti":"${randomUUID()}","iat":${iat},"htu":"${URL_}"}`;
      await expectCode(verifyProof(handMade({ payloadText: twice }), context()), 'dpop_invalid');
      // The same name spelled with an escape is the same name.
      const escaped = twice.replace('"htu":"https://elsewhere', '"h\\u0074u":"https://elsewhere');
      await expectCode(verifyProof(handMade({ payloadText: escaped }), context()), 'dpop_invalid');
      await expectCode(verifyProof(handMade({ parts: 'base64' }), context()), 'dpop_invalid');
    });

    it('keeps the iat window at ±60 whole seconds, whatever the milliseconds of the clock', async () => {
      const second = Math.floor(Date.now() / 1000);
      const late = context({ now: second * 1000 + 999 });
      await expect(verifyProof(handMade({ claims: { iat: second + 60 } }), late)).resolves.toBeDefined();
      await expect(
        verifyProof(handMade({ claims: { iat: second - 60 } }), context({ now: second * 1000 + 999 })),
      ).resolves.toBeDefined();
      await expectCode(
        verifyProof(handMade({ claims: { iat: second - 61 } }), context({ now: second * 1000 })),
        'dpop_stale',
      );
      await expectCode(
        verifyProof(handMade({ claims: { iat: second + 61 } }), context({ now: second * 1000 + 999 })),
        'dpop_stale',
      );
    });

    it('refuses a JWS extension it does not understand (crit, b64)', async () => {
      await expectCode(verifyProof(handMade({ header: { crit: ['exp'] } }), context()), 'dpop_invalid');
      await expectCode(verifyProof(handMade({ header: { b64: false, crit: ['b64'] } }), context()), 'dpop_invalid');
    });
  });
});
