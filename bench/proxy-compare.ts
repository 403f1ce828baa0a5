/**
 * bench:proxy-compare: the companion's CPU per proxied call for two or more
 * builds of it, side by side, in alternating rounds at concurrency 50 against
 * the instant upstream stub: how each step of issue 13 was measured
 * (docs/benchmarks.md). Each build is a directory inside the repository (so
 * that its imports find node_modules) holding `server/main.mjs`, as
 * `npm run build:server` writes it into dist/:
 *
 *   npm run build:server && cp -r dist/server dist/compare-before/   # on the old code
 *   npm run build:server && cp -r dist/server dist/compare-after/    # on the new code
 *   npm run bench:proxy-compare -- dist/compare-before dist/compare-after
 *
 * A build may carry its own Node options after a `|`:
 * `'dist/compare-after|--max-old-space-size=96 --max-semi-space-size=16'`.
 * Prints, per build, the median CPU per call over the rounds (each round's
 * figure too), its main thread's share, and its throughput. The machine's
 * other work moves such figures by ±10 % between rounds; alternating rounds
 * puts both builds under the same drift. BENCH_ROUNDS (6) and BENCH_SECONDS
 * (4) set the rounds and their length.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeInstall } from '../tests/support/dpop';
import { freePort } from '../tests/support/free-port';
import { mainThreadCpuMicros, processCpuMicros } from './proxy/cpu-floor';
import { type PreparedRequest, runLoad } from './proxy/load';
import { connectAccount, proxiedCalls, startProxyBench } from './proxy/setup';
import { startProductionCompanion } from './support/processes';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const builds = process.argv.slice(2);
if (builds.length === 0) throw new Error('name the builds to compare: directories holding server/main.mjs');

const dir = mkdtempSync(join(tmpdir(), 'oauth1-compare-'));
const { stubPort, consumer, dev, configPath } = await startProxyBench(dir);

const sides: {
  build: string;
  port: number;
  pid: number;
  requests: (count: number) => Promise<() => PreparedRequest>;
  cpu: number[];
  mainThread: number[];
  perSecond: number[];
}[] = [];
for (const [index, build] of builds.entries()) {
  const [buildDir, nodeOptions] = build.split('|') as [string, string | undefined];
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const companion = await startProductionCompanion({
    port,
    dir: mkdtempSync(join(dir, `build-${index}-`)),
    configPath,
    consumerSecret: consumer.secret,
    requestsPerMinute: 100_000_000,
    build: buildDir,
    nodeOptions,
  });
  const install = await makeInstall();
  const accountId = await connectAccount(publicUrl, install);
  const requests = (count: number) =>
    proxiedCalls(publicUrl, install, accountId, `http://127.0.0.1:${stubPort}/1.1/statuses/home_timeline.json`, count);
  // Warm up: the JIT and the connections, so that no round pays for them.
  await runLoad(port, 50, SECONDS, await requests(SECONDS * 4_000));
  sides.push({ build, port, pid: companion.pid as number, requests, cpu: [], mainThread: [], perSecond: [] });
}

for (let round = 0; round < ROUNDS; round++) {
  for (const side of sides) {
    const next = await side.requests(SECONDS * 4_000);
    const cpuBefore = processCpuMicros(side.pid);
    const mainBefore = mainThreadCpuMicros(side.pid);
    const served = await runLoad(side.port, 50, SECONDS, next);
    if (served.failures > 0) throw new Error(`${side.build}: ${served.failures} calls failed`);
    side.cpu.push((processCpuMicros(side.pid) - cpuBefore) / served.requests);
    side.mainThread.push((mainThreadCpuMicros(side.pid) - mainBefore) / served.requests);
    side.perSecond.push(served.perSecond);
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] as number;
console.log(
  `CPU per proxied call, ${ROUNDS} alternating rounds of ${SECONDS} s at concurrency 50 (Node ${process.version})`,
);
for (const side of sides) {
  console.log(
    `${side.build}: ${median(side.cpu).toFixed(0)} µs (rounds ${side.cpu.map((v) => v.toFixed(0)).join(', ')}), main thread ${median(side.mainThread).toFixed(0)} µs, ${median(side.perSecond).toFixed(0)} calls/s`,
  );
}
await dev.close();
process.exit(0);
