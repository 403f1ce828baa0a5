import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An RSA key pair made by the openssl command line, independent of node:crypto's key generation. */
export function opensslRsaKeyPair(bits = 2048): { privateKeyPem: string; publicKeyPem: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'oauth1-rsa-'));
  const privatePath = join(dir, 'private.pem');
  const publicPath = join(dir, 'public.pem');
  execFileSync(
    'openssl',
    ['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${bits}`, '-out', privatePath],
    {
      stdio: 'ignore', // its progress dots are not test output
    },
  );
  execFileSync('openssl', ['pkey', '-in', privatePath, '-pubout', '-out', publicPath]);
  return { privateKeyPem: readFileSync(privatePath, 'utf8'), publicKeyPem: readFileSync(publicPath, 'utf8'), dir };
}

/**
 * The same key pair in PKCS#1 form (`BEGIN RSA PRIVATE KEY`, `BEGIN RSA PUBLIC KEY`), converted
 * by the openssl command line: the form OpenSSL 1.x's genrsa writes and some providers' guides use.
 */
export function opensslPkcs1(dir: string, privateKeyPem: string): { privateKeyPem: string; publicKeyPem: string } {
  const input = join(dir, 'pkcs8-private.pem');
  writeFileSync(input, privateKeyPem);
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  return {
    privateKeyPem: run(['rsa', '-in', input, '-traditional']),
    publicKeyPem: run(['rsa', '-in', input, '-RSAPublicKey_out']),
  };
}

/** Asks openssl whether `signatureBase64` is a valid PKCS#1 v1.5 signature of `message`. */
export function opensslVerifies(
  dir: string,
  digest: 'sha1' | 'sha256',
  publicKeyPem: string,
  message: string,
  signatureBase64: string,
): boolean {
  const publicPath = join(dir, 'verify-public.pem');
  const messagePath = join(dir, 'message.txt');
  const signaturePath = join(dir, 'signature.bin');
  writeFileSync(publicPath, publicKeyPem);
  writeFileSync(messagePath, message);
  writeFileSync(signaturePath, Buffer.from(signatureBase64, 'base64'));
  try {
    const out = execFileSync(
      'openssl',
      ['dgst', `-${digest}`, '-verify', publicPath, '-signature', signaturePath, messagePath],
      {
        // A refused signature is an expected outcome, not noise for the test log.
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return out.toString().includes('Verified OK');
  } catch {
    return false;
  }
}
