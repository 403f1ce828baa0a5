/**
 * bench:proxy: a signed GET through the companion's signing proxy against the
 * same signed GET sent straight to an upstream stub, on loopback, at
 * concurrency 1 and 50, in one run. Reports throughput ratios, the latency the
 * proxy adds (p50, p99), and the companion's resident memory under load.
 *
 *   npm run bench:proxy
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authorizationHeader } from '../lib/oauth1';
import { nodeOAuthCrypto } from '../server/crypto/node-oauth-crypto';
import { makeInstall } from '../tests/support/dpop';
import { freePort } from '../tests/support/free-port';
import { type CryptoFloor, cryptoFloor, processCpuMicros } from './proxy/cpu-floor';
import { type LoadResult, type PreparedRequest, runLoad } from './proxy/load';
import { connectAccount, proxiedCalls, startProxyBench } from './proxy/setup';
import { residentMegabytes, startProcess, startProductionCompanion } from './support/processes';
import { BenchReport } from './support/report';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/** Alternating rounds of the companion's and the bare proxy's CPU per call; the median ratio is reported. */
const CPU_ROUNDS = 5;

// 1. The upstream stub, the dev provider (for connecting), the companion.
const dir = mkdtempSync(join(tmpdir(), 'oauth1-bench-'));
const { stub, stubPort, consumer, dev, configPath } = await startProxyBench(dir);
const companionPort = await freePort();
const publicUrl = `http://127.0.0.1:${companionPort}`;
const companion = await startProductionCompanion({
  port: companionPort,
  dir,
  configPath,
  consumerSecret: consumer.secret,
  requestsPerMinute: 1_000_00000,
});

// 2. Connect an account, as the extension would.
const install = await makeInstall();
const accountId = await connectAccount(publicUrl, install);

// 3. The two ways to make the same call.
const crypto = nodeOAuthCrypto();
const directTo = (apiPath: string) => (): PreparedRequest => ({
  method: 'GET',
  path: apiPath,
  headers: {
    authorization: authorizationHeader(
      { method: 'GET', url: `http://127.0.0.1:${stubPort}${apiPath}` },
      { consumerKey: consumer.key, consumerSecret: consumer.secret, token: 'token', tokenSecret: 'token secret' },
      { crypto },
    ),
  },
});
/** `count` proxied calls to `apiPath` at the stub, their proofs made ahead. */
const proxiedTo = (apiPath: string, count: number) =>
  proxiedCalls(publicUrl, install, accountId, `http://127.0.0.1:${stubPort}${apiPath}`, count);

// 4. Warm up both paths, then measure: concurrency 1, then 50, against the
// instant stub; then concurrency 50 against a stub that takes 20 ms.
const FAST = '/1.1/statuses/home_timeline.json?count=5';
const SLOW = '/1.1/slow/home_timeline.json?count=5';
// Three seconds at full load, so that the JIT has compiled the hot path before the first phase
// (concurrency 1) is timed: one second at concurrency 8 left its p50 moving by 1 ms between runs.
await runLoad(stubPort, 50, 3, directTo(FAST));
await runLoad(companionPort, 50, 3, await proxiedTo(FAST, 20_000));
const results: { label: string; concurrency: number; direct: LoadResult; proxied: LoadResult; rss?: number }[] = [];
const phases = [
  ['concurrency 1', 1, FAST, 4_000],
  ['concurrency 50', 50, FAST, 12_000],
  ['concurrency 50, upstream takes 20 ms', 50, SLOW, 3_000],
] as const;
for (const [label, concurrency, apiPath, proofsPerSecond] of phases) {
  const directResult = await runLoad(stubPort, concurrency, SECONDS, directTo(apiPath));
  const next = await proxiedTo(apiPath, Math.ceil(SECONDS * proofsPerSecond));
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, residentMegabytes(companion.pid as number).now);
  }, 100);
  const proxiedResult = await runLoad(companionPort, concurrency, SECONDS, next);
  clearInterval(sampler);
  results.push({ label, concurrency, direct: directResult, proxied: proxiedResult, rss: peakRss });
}

// 5. The yardstick: a proxy with no checks at all, at concurrency 50 against the instant stub.
const barePort = await freePort();
const bare = await startProcess(
  'bench/proxy/bare-proxy.ts',
  { PORT: String(barePort), UPSTREAM_PORT: String(stubPort) },
  `http://127.0.0.1:${barePort}/`,
  dir,
);
const bareRequest = (): PreparedRequest => ({
  method: 'POST',
  path: '/',
  headers: { 'content-type': 'application/json' },
  body: '{}',
});
await runLoad(barePort, 8, 1, bareRequest);
const bareDirect = await runLoad(stubPort, 50, SECONDS, directTo(FAST));
const bareResult = await runLoad(barePort, 50, SECONDS, bareRequest);

// 6. CPU per call, the companion's and the bare proxy's, each at concurrency 50 against the instant
// stub, in CPU_ROUNDS alternating rounds: the machine's other load changes from minute to minute, and
// a round of each side next to the other sees the same. The median round's ratio is the figure.
/** CPU time per call (process user + system over the calls served), µs. */
async function cpuPerCall(pid: number, port: number, next: () => PreparedRequest): Promise<number> {
  const before = processCpuMicros(pid);
  const served = await runLoad(port, 50, SECONDS, next);
  return (processCpuMicros(pid) - before) / served.requests;
}
// The cryptography every secure call needs, timed in this process between the rounds' loads.
const rounds: { companion: number; bare: number; crypto: number; parts: CryptoFloor }[] = [];
for (let round = 0; round < CPU_ROUNDS; round++) {
  const next = await proxiedTo(FAST, SECONDS * 12_000);
  const companionCpu = await cpuPerCall(companion.pid as number, companionPort, next);
  const bareCpu = await cpuPerCall(bare.pid as number, barePort, bareRequest);
  const parts = await cryptoFloor();
  rounds.push({
    companion: companionCpu,
    bare: bareCpu,
    crypto: parts.proofVerify + parts.hmacSign + 2 * parts.aesOpen,
    parts,
  });
}
bare.kill('SIGTERM');
const ratioOf = (r: (typeof rounds)[number]) => r.companion / (r.bare + r.crypto);
const median = [...rounds].sort((a, b) => ratioOf(a) - ratioOf(b))[rounds.length >> 1] as (typeof rounds)[number];
const companionCpuPerCall = median.companion;
const bareCpuPerCall = median.bare;
const floor = median.bare + median.crypto;
const floorCrypto = median.parts;

if (process.env.BENCH_MEMORY) {
  const metrics = await (await fetch(`${publicUrl}/metrics`)).text();
  console.log(
    metrics
      .split('\n')
      .filter((l) => /^(process_resident|nodejs_heap_size|nodejs_external|nodejs_heap_space_size_used)/.test(l))
      .join('\n'),
  );
}
companion.kill('SIGTERM');
stub.kill('SIGTERM');
await dev.close();

const report = new BenchReport('proxy');
// 7. The table.
const fmt = (n: number, digits = 2) => n.toFixed(digits);
report.log(
  `\nSigned GET through the companion vs straight to the upstream stub (Node ${process.version}, ${SECONDS} s per phase, loopback)\n`,
);
report.log(
  '| | direct req/s | proxied req/s | proxied / direct | direct p50 / p99 ms | proxied p50 / p99 ms | added p50 / p99 ms | companion peak RSS |',
);
report.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  report.log(
    `| ${r.label} | ${Math.round(r.direct.perSecond)} | ${Math.round(r.proxied.perSecond)} | ${fmt((100 * r.proxied.perSecond) / r.direct.perSecond, 0)} % | ${fmt(r.direct.p50)} / ${fmt(r.direct.p99)} | ${fmt(r.proxied.p50)} / ${fmt(r.proxied.p99)} | ${fmt(r.proxied.p50 - r.direct.p50)} / ${fmt(r.proxied.p99 - r.direct.p99)} | ${fmt(r.rss ?? 0, 0)} MB |`,
  );
}
const [one, fifty, slow] = results as [(typeof results)[0], (typeof results)[0], (typeof results)[0]];
const failures = results.reduce((n, r) => n + r.direct.failures + r.proxied.failures, 0);
report.log(`\nfailed requests: ${failures}`);
const added = one.proxied.p50 - one.direct.p50;
const ratio = fifty.proxied.perSecond / fifty.direct.perSecond;
const cpuRatio = companionCpuPerCall / floor;
report.log('');
report.target(
  { label: 'proxy: cpu per call vs its floor', value: cpuRatio, target: 2, goal: 'at most', unit: 'x' },
  `cpu per call: ${fmt(companionCpuPerCall, 0)} µs, floor ${fmt(floor, 0)} µs (${fmt(cpuRatio)}x)`,
);
report.log(
  `  floor = bare proxy ${fmt(bareCpuPerCall, 0)} µs + ES256 proof verification ${fmt(floorCrypto.proofVerify, 0)} µs + HMAC-SHA1 signature ${fmt(floorCrypto.hmacSign, 1)} µs + 2 x AES-256-GCM open ${fmt(floorCrypto.aesOpen, 1)} µs`,
);
report.log(
  `  ${CPU_ROUNDS} alternating rounds of both sides: ${rounds.map((r) => `${fmt(ratioOf(r))}x`).join(', ')}; the median is reported`,
);
report.target({ label: 'added p50 at concurrency 1', value: added, target: 0.7, goal: 'at most', unit: 'ms' });
const peak = Math.max(...results.map((r) => r.rss ?? 0));
report.target({ label: 'companion peak RSS under load', value: peak, target: 150, goal: 'at most', unit: 'MB' });
const slowRatio = slow.proxied.perSecond / slow.direct.perSecond;
report.target(
  {
    label: 'proxy: throughput vs direct, 20 ms upstream',
    value: 100 * slowRatio,
    target: 80,
    goal: 'at least',
    unit: '%',
  },
  `with an upstream that takes 20 ms, proxied throughput at concurrency 50: ${fmt(100 * slowRatio, 0)} % of direct`,
);
// Issue 3's ">= 50 % of direct at concurrency 50 against an instant stub" is withdrawn (issue 13): the yardstick below shows why.
report.log(`proxied throughput at concurrency 50 against the instant stub: ${fmt(100 * ratio, 0)} % of direct`);
report.log(
  `yardstick: a Node proxy with no checks at all keeps ${fmt((100 * bareResult.perSecond) / bareDirect.perSecond, 0)} % of direct at concurrency 50 (${Math.round(bareResult.perSecond)} of ${Math.round(bareDirect.perSecond)} req/s)`,
);
report.save();
process.exit(0);
