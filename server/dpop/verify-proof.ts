import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import { CompanionError } from '../errors';
import { topLevelMemberNames } from './strict-json';

export interface ProofContext {
  /** The request's method, e.g. POST. */
  readonly method: string;
  /** The URL the proof must name: our public URL and the path, no query or fragment. */
  readonly url: string;
  /** Milliseconds since the epoch. */
  readonly now: number;
  /**
   * Records a proof id; false when it was seen before. Backed by the store,
   * so a proof replayed against another instance is refused too.
   */
  readonly remember: (key: string, expiresAtSeconds: number) => Promise<boolean>;
}

export interface ProvenInstall {
  /** RFC 7638 thumbprint of the proof key: the install's id. */
  readonly installId: string;
}

/** How far `iat` may be from our clock, either way. */
export const PROOF_WINDOW_SECONDS = 60;

/**
 * Verifies a DPoP proof (RFC 9449 section 4.3): an ES256 JWT of type
 * `dpop+jwt` carrying its public key, signed by that key, for this method and
 * URL, issued within the window, never seen before. The install is the key.
 */
export async function verifyProof(proof: string | undefined, context: ProofContext): Promise<ProvenInstall> {
  if (!proof) throw new CompanionError('dpop_missing', 'send a DPoP proof in the DPoP header');
  if (proof.length > 4096 || proof.includes(','))
    throw new CompanionError('dpop_invalid', 'send exactly one DPoP proof');

  let jwk: JWK;
  try {
    refuseLooseEncoding(proof);
    const header = decodeProtectedHeader(proof);
    if (header.typ !== 'dpop+jwt' || header.alg !== 'ES256') throw new Error('typ must be dpop+jwt and alg ES256');
    // RFC 7515 section 4.1.11: an extension we do not know must not be ignored.
    if ('crit' in header || 'b64' in header) throw new Error('no JWS extensions are understood');
    jwk = header.jwk as JWK;
    // Coordinates exactly as RFC 7518 writes them (43 base64url characters), so one key has one thumbprint.
    // The last character carries two unused bits: only the encoding with them zero is canonical.
    const canonical = (c: unknown) =>
      typeof c === 'string' && /^[A-Za-z0-9_-]{43}$/.test(c) && Buffer.from(c, 'base64url').toString('base64url') === c;
    if (jwk?.kty !== 'EC' || jwk.crv !== 'P-256' || 'd' in jwk || !canonical(jwk.x) || !canonical(jwk.y))
      throw new Error('jwk must be a public P-256 key');
  } catch (error) {
    throw new CompanionError('dpop_invalid', `the DPoP proof is malformed: ${reason(error)}`);
  }

  let claims: Record<string, unknown>;
  let installId: string;
  try {
    const known = await installKey(jwk);
    installId = known.installId;
    if (!signatureVerifies(proof, known.key)) throw new Error('signature verification failed');
    claims = decodeJwt(proof);
  } catch (error) {
    throw new CompanionError('dpop_invalid', `the DPoP proof does not verify: ${reason(error)}`);
  }

  const { htm, htu, iat, jti } = claims;
  if (typeof jti !== 'string' || jti.length < 16 || jti.length > 128) {
    throw new CompanionError('dpop_invalid', 'the DPoP proof needs a jti of 16 to 128 characters');
  }
  if (typeof iat !== 'number' || !Number.isFinite(iat))
    throw new CompanionError('dpop_invalid', 'the DPoP proof needs an iat');
  if (typeof htu !== 'string' || !isPlainHtu(htu)) {
    throw new CompanionError(
      'dpop_invalid',
      'the DPoP proof htu must be an absolute http(s) URI as the request was made',
    );
  }
  if (htm !== context.method)
    throw new CompanionError('dpop_mismatch', `the DPoP proof is for ${String(htm)}, not ${context.method}`);
  if (typeof htu !== 'string' || normalizeHtu(htu) !== normalizeHtu(context.url)) {
    throw new CompanionError('dpop_mismatch', `the DPoP proof is for ${String(htu)}, not ${context.url}`);
  }
  // Whole seconds on both sides, as iat is written: the window is the same ±60 s whatever the milliseconds.
  const nowSeconds = Math.floor(context.now / 1000);
  if (Math.abs(nowSeconds - iat) > PROOF_WINDOW_SECONDS) {
    throw new CompanionError(
      'dpop_stale',
      `the DPoP proof was issued ${Math.round(nowSeconds - iat)} s from now; the window is ±${PROOF_WINDOW_SECONDS} s`,
    );
  }
  // DPoP needs neither, but a proof that limits itself is taken at its word (as jwtVerify did).
  const { exp, nbf } = claims;
  if ((typeof exp === 'number' && exp <= nowSeconds) || (typeof nbf === 'number' && nbf > nowSeconds)) {
    throw new CompanionError('dpop_stale', 'the DPoP proof is outside its own exp/nbf');
  }

  // Kept until the proof could no longer pass the window anyway.
  if (!(await context.remember(`${installId}:${jti}`, Math.ceil(iat + PROOF_WINDOW_SECONDS + 1)))) {
    throw new CompanionError('dpop_replayed', 'this DPoP proof was already used');
  }
  return { installId };
}

/**
 * An install sends the same key with every proof; importing it and hashing
 * its thumbprint cost more than verifying the signature, so both are kept
 * for recent keys (public keys only: nothing secret is cached).
 */
const knownKeys = new Map<string, { key: KeyObject; installId: string }>();
const KNOWN_KEYS_LIMIT = 10_000;

async function installKey(jwk: JWK): Promise<{ key: KeyObject; installId: string }> {
  const id = `${jwk.x}.${jwk.y}`;
  const known = knownKeys.get(id);
  if (known) return known;
  const entry = {
    key: createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x ?? '', y: jwk.y ?? '' }, format: 'jwk' }),
    installId: await calculateJwkThumbprint(jwk, 'sha256'),
  };
  if (knownKeys.size >= KNOWN_KEYS_LIMIT) knownKeys.delete(knownKeys.keys().next().value as string);
  knownKeys.set(id, entry);
  return entry;
}

/**
 * The JWS signature (RFC 7515 section 5.2) over the first two parts, ES256
 * written as r || s (RFC 7518 section 3.4). jose 6 verifies only through
 * WebCrypto, which Node runs on its thread pool: 204 µs a proof awaited one
 * at a time here, against 59 µs for this call on the same key.
 */
function signatureVerifies(proof: string, key: KeyObject): boolean {
  const parts = proof.split('.');
  // 64 bytes in unpadded base64url, nothing else: Buffer would skip stray characters.
  if (parts.length !== 3 || !/^[A-Za-z0-9_-]{86}$/.test(parts[2] ?? '')) return false;
  const signature = Buffer.from(parts[2] as string, 'base64url');
  return verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), { key, dsaEncoding: 'ieee-p1363' }, signature);
}

/**
 * The first two parts in unpadded base64url (RFC 7515 section 2, "with all
 * trailing '=' characters omitted"), each a JSON object whose member names
 * are unique (RFC 7515 section 5.2 step 4: "MUST fail" on duplicates; RFC 7519
 * section 4): the decoder we hand them to would accept padding and standard
 * base64, and JSON.parse keeps the last of a duplicated name.
 * @throws Error naming what is wrong
 */
function refuseLooseEncoding(proof: string): void {
  const parts = proof.split('.');
  for (const [index, part] of parts.slice(0, 2).entries()) {
    if (!/^[A-Za-z0-9_-]+$/.test(part)) throw new Error(`part ${index + 1} is not unpadded base64url`);
    const text = Buffer.from(part, 'base64url').toString('utf8');
    JSON.parse(text);
    const names = topLevelMemberNames(text);
    if (new Set(names).size !== names.length) throw new Error(`part ${index + 1} names a member twice`);
  }
}

/**
 * An htu as a client writes the URI it calls: absolute http(s), no userinfo,
 * no white space or control character (the URL parser would drop a tab), and a
 * host as the URL parser writes it (so `http://2130706433/` does not pass for
 * `http://127.0.0.1/`).
 */
function isPlainHtu(htu: string): boolean {
  for (let i = 0; i < htu.length; i++) {
    const code = htu.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f) return false;
  }
  let url: URL;
  try {
    url = new URL(htu);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  if (url.username || url.password) return false;
  const writtenHost = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(htu)?.[1]?.toLowerCase() ?? '';
  const defaultPort = url.protocol === 'https:' ? ':443' : ':80';
  return writtenHost === url.host || writtenHost === `${url.host}${defaultPort}`;
}

/** RFC 9449 section 4.3: htu is compared without query and fragment, after URL normalisation. */
function normalizeHtu(value: string): string {
  try {
    const url = new URL(value);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return `invalid:${value}`;
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
