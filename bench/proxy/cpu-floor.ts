/**
 * bench:proxy's yardstick for the companion's cost: CPU time per proxied call
 * (the process's own user + system time over the calls it served), against a
 * floor measured in the same run: what the thinnest Node proxy spends per call,
 * plus the cryptography no secure signing proxy can skip, each micro-benchmarked
 * here: one ES256 proof verification (RFC 9449), one HMAC-SHA1 signature
 * (RFC 5849) and two AES-256-GCM opens (the account's token and token secret).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { authorizationHeader } from '../../lib/oauth1';
import { nodeOAuthCrypto } from '../../server/crypto/node-oauth-crypto';
import { verifyProof } from '../../server/dpop/verify-proof';
import { Vault } from '../../server/vault/vault';
import { makeInstall } from '../../tests/support/dpop';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** A process's CPU time so far, user and system together, in microseconds (proc(5): utime, stime). */
export function processCpuMicros(pid: number): number {
  return cpuMicrosOf(`/proc/${pid}/stat`);
}

/** The CPU time of a process's main thread so far (the task whose id is the process's), in microseconds. */
export function mainThreadCpuMicros(pid: number): number {
  return cpuMicrosOf(`/proc/${pid}/task/${pid}/stat`);
}

function cpuMicrosOf(statPath: string): number {
  const stat = readFileSync(statPath, 'utf8');
  // Fields after the command name (which may hold spaces, inside parentheses).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks / TICKS_PER_SECOND) * 1e6;
}

/**
 * The median over `rounds` of the mean CPU time (this process's user + system,
 * getrusage) of `batch` runs of `work`, in microseconds. CPU time, like the
 * companion's side of the comparison, and not the clock: on a machine shared
 * with other work the clock also counts the time others had the core, which
 * inflated the floor by up to 3x in runs under load.
 */
async function microseconds(work: () => unknown, batch = 2_000, rounds = 7): Promise<number> {
  const means: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = process.cpuUsage();
    for (let i = 0; i < batch; i++) await work();
    const spent = process.cpuUsage(started);
    means.push((spent.user + spent.system) / batch);
  }
  return [...means].sort((a, b) => a - b)[rounds >> 1] as number;
}

export interface CryptoFloor {
  /** One DPoP proof verified as the companion does (server/dpop/verify-proof.ts), µs. */
  readonly proofVerify: number;
  /** One HMAC-SHA1 Authorization header (lib/oauth1 with node:crypto), µs. */
  readonly hmacSign: number;
  /** One AES-256-GCM open of a sealed token (server/vault/vault.ts), µs. */
  readonly aesOpen: number;
}

/** The cryptography of one proxied call, each part timed in this process. */
export async function cryptoFloor(): Promise<CryptoFloor> {
  const install = await makeInstall();
  const url = 'http://127.0.0.1:8787/v1/accounts/a/requests';
  const proof = await install.proof('POST', url);
  const context = { method: 'POST', url, now: Date.now(), remember: async () => true };
  const proofVerify = await microseconds(() => verifyProof(proof, context), 500);

  const crypto = nodeOAuthCrypto();
  const request = { method: 'GET', url: 'https://api.x.com/1.1/statuses/home_timeline.json?count=5' };
  const credentials = { consumerKey: 'ck', consumerSecret: 'cs', token: 't', tokenSecret: 'ts' };
  const hmacSign = await microseconds(() => authorizationHeader(request, credentials, { crypto }));

  const vault = new Vault([{ id: 'k1', key: randomBytes(32) }]);
  const sealed = vault.seal('1001-a-token-of-some-forty-characters-x', 'account:a:token');
  const aesOpen = await microseconds(() => vault.open(sealed, 'account:a:token'));
  return { proofVerify, hmacSign, aesOpen };
}
