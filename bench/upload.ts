/**
 * bench:upload: a 1 MB and a 20 MB upload (X's one-shot shape: the file and a
 * text field, multipart/form-data) through the companion's signing proxy,
 * against the same upload sent straight to an upstream stub, in one run, on
 * loopback. Reports throughput (MB/s), the proxy's share of the direct
 * throughput, and how far the companion's resident memory rises above its
 * idle level while the uploads go through, as multiples of the file size.
 *
 *   npm run bench:upload
 *   BENCH_UPLOADS=20,10   uploads of each size (1 MB, 20 MB) per path
 */

import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, FormData, Response, request } from 'undici';
import { authorizationHeader } from '../lib/oauth1';
import { nodeOAuthCrypto } from '../server/crypto/node-oauth-crypto';
import { makeInstall } from '../tests/support/dpop';
import { freePort } from '../tests/support/free-port';
import type { StubReceipt } from '../tests/support/upload-stub';
import { connectAccount, startProxyBench } from './proxy/setup';
import { resetPeakResident, residentMegabytes, startProductionCompanion } from './support/processes';
import { BenchReport } from './support/report';

/** MB here is 2^20 bytes, as UPLOAD_MAX_MB counts it. */
const MB = 1024 * 1024;
const [SMALL_COUNT, LARGE_COUNT] = (process.env.BENCH_UPLOADS ?? '20,10').split(',').map(Number) as [number, number];
const SIZES = [
  { label: '1 MB', bytes: MB, count: SMALL_COUNT },
  { label: '20 MB', bytes: 20 * MB, count: LARGE_COUNT },
] as const;

// 1. The upstream stub (its own process), the dev provider (for connecting), the companion.
const dir = mkdtempSync(join(tmpdir(), 'oauth1-bench-upload-'));
const { stub, stubPort, consumer, dev, configPath } = await startProxyBench(dir, {
  stubScript: 'bench/upload/upload-stub.ts',
  apiPath: '/2/',
});
const stubUrl = `http://127.0.0.1:${stubPort}`;
const companionPort = await freePort();
const publicUrl = `http://127.0.0.1:${companionPort}`;
const companion = await startProductionCompanion({
  port: companionPort,
  dir,
  configPath,
  consumerSecret: consumer.secret,
  requestsPerMinute: 100_000,
});
const companionPid = companion.pid as number;

// 2. Connect an account, as the extension would.
const install = await makeInstall();
const accountId = await connectAccount(publicUrl, install);

// 3. The two ways to send the same upload, with the same client (undici's request, as the companion sends it
// on). Each body is encoded beforehand, so that the client's own cost (Node 20's Blob streams are slow) is
// not timed: the comparison is the stub alone against the companion and the stub.
const dispatcher = new Agent({ keepAliveTimeout: 30_000 });
const crypto = nodeOAuthCrypto();
const uploadUrl = `${stubUrl}/2/media/upload`;
const proxyPath = `/v1/accounts/${accountId}/requests`;

/** One multipart body, encoded once (outside the timing) by undici's FormData, as a client would send it. */
interface Encoded {
  readonly contentType: string;
  readonly bytes: Buffer;
}

async function encoded(form: FormData): Promise<Encoded> {
  const response = new Response(form);
  return {
    contentType: response.headers.get('content-type') as string,
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}

interface Upload {
  readonly size: number;
  readonly sha256: string;
  /** X's one-shot upload as the stub takes it: `media` and `media_category`. */
  readonly direct: Encoded;
  /** The same upload as the companion takes it: the request as JSON, then the file. */
  readonly proxied: Encoded;
}

async function prepared(bytes: Buffer): Promise<Upload> {
  const file = new File([new Uint8Array(bytes)], 'photo.png', { type: 'image/png' });
  const direct = new FormData();
  direct.append('media', file, file.name);
  direct.append('media_category', 'tweet_image');
  const proxied = new FormData();
  proxied.append(
    'request',
    JSON.stringify({
      method: 'POST',
      url: uploadUrl,
      multipart: [
        { name: 'media', filename: file.name, contentType: file.type, file: 'f0', size: file.size },
        { name: 'media_category', value: 'tweet_image' },
      ],
    }),
  );
  proxied.append('f0', file, 'f0');
  return {
    size: bytes.byteLength,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    direct: await encoded(direct),
    proxied: await encoded(proxied),
  };
}

/** Straight to the stub, signed by X's rule for uploads (no body field is signed). */
async function direct(upload: Upload): Promise<StubReceipt> {
  const authorization = authorizationHeader(
    { method: 'POST', url: uploadUrl },
    { consumerKey: consumer.key, consumerSecret: consumer.secret, token: 'token', tokenSecret: 'token secret' },
    { crypto },
  );
  const answer = await request(uploadUrl, {
    method: 'POST',
    headers: { authorization, 'content-type': upload.direct.contentType },
    body: upload.direct.bytes,
    dispatcher,
  });
  if (answer.statusCode !== 200) throw new Error(`direct upload answered ${answer.statusCode}`);
  return (await answer.body.json()) as StubReceipt;
}

/** Through the companion, with a DPoP proof made beforehand. */
async function proxied(upload: Upload, proof: string): Promise<StubReceipt> {
  const answer = await request(`${publicUrl}${proxyPath}`, {
    method: 'POST',
    headers: { dpop: proof, 'content-type': upload.proxied.contentType },
    body: upload.proxied.bytes,
    dispatcher,
  });
  const envelope = (await answer.body.json()) as { status?: number; body?: string; code?: string };
  if (answer.statusCode !== 200 || envelope.status !== 200) {
    throw new Error(`proxied upload answered ${answer.statusCode} ${envelope.code ?? envelope.status}`);
  }
  return JSON.parse(envelope.body as string) as StubReceipt;
}

/** Milliseconds one upload takes, from the first byte sent to the receipt read; throws if the stub got other bytes. */
async function timed(upload: Upload, send: (upload: Upload) => Promise<StubReceipt>): Promise<number> {
  const started = performance.now();
  const receipt = await send(upload);
  const elapsed = performance.now() - started;
  if (receipt.bytes !== upload.size || receipt.sha256 !== upload.sha256) {
    throw new Error(`the stub received ${receipt.bytes} bytes with another SHA-256`);
  }
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

// 4. For each size: warm both paths up, then alternate direct and proxied uploads (so that a noisy
// moment of the machine hits both alike), sampling the companion's RSS while the proxied ones go.
// Throughput is the file size over the median upload time: this machine's loopback alone moves by 3x
// from one moment to the next, and a median is not thrown by one slow upload.
interface Phase {
  readonly label: string;
  readonly bytes: number;
  readonly count: number;
  readonly directMBps: number;
  readonly proxiedMBps: number;
  /** The companion's RSS before the phase, and its highest during it, MB. */
  readonly idleRss: number;
  readonly peakRss: number;
}
const phases: Phase[] = [];
for (const size of SIZES) {
  const upload = await prepared(randomBytes(size.bytes));
  const proofs = await Promise.all(
    Array.from({ length: size.count + 2 }, () => install.proof('POST', `${publicUrl}${proxyPath}`)),
  );
  for (let i = 0; i < 2; i++) {
    await timed(upload, direct);
    await timed(upload, (u) => proxied(u, proofs.pop() as string));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  const idleRss = residentMegabytes(companionPid).now;
  resetPeakResident(companionPid);
  let sampled = idleRss;
  const sampler = setInterval(() => {
    sampled = Math.max(sampled, residentMegabytes(companionPid).now);
  }, 10);
  const directMs: number[] = [];
  const proxiedMs: number[] = [];
  for (let i = 0; i < size.count; i++) {
    directMs.push(await timed(upload, direct));
    proxiedMs.push(await timed(upload, (u) => proxied(u, proofs.pop() as string)));
  }
  clearInterval(sampler);
  const megabytes = size.bytes / MB;
  phases.push({
    ...size,
    directMBps: megabytes / (median(directMs) / 1000),
    proxiedMBps: megabytes / (median(proxiedMs) / 1000),
    idleRss,
    peakRss: Math.max(sampled, residentMegabytes(companionPid).peak),
  });
}

companion.kill('SIGTERM');
stub.kill('SIGTERM');
await dispatcher.close();
await dev.close();

const report = new BenchReport('upload');
// 5. The table.
const fmt = (n: number, digits = 1) => n.toFixed(digits);
report.log(
  `\nMultipart uploads through the companion vs straight to the upstream stub (Node ${process.version}, loopback, sequential, median upload time; MB = 2^20 bytes)\n`,
);
report.log(
  '| file | uploads per path | direct MB/s | proxied MB/s | proxied / direct | companion idle RSS | peak RSS | growth (× file) |',
);
report.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const p of phases) {
  const growth = p.peakRss - p.idleRss;
  report.log(
    `| ${p.label} | ${p.count} | ${fmt(p.directMBps)} | ${fmt(p.proxiedMBps)} | ${fmt((100 * p.proxiedMBps) / p.directMBps, 0)} % | ${fmt(p.idleRss, 0)} MB | ${fmt(p.peakRss, 0)} MB | +${fmt(growth)} MB (${fmt((growth * MB) / p.bytes, 2)}) |`,
  );
}
const large = phases.at(-1) as Phase;
const ratio = large.proxiedMBps / large.directMBps;
const growth = ((large.peakRss - large.idleRss) * MB) / large.bytes;
report.log('');
report.target(
  { label: 'uploads: throughput vs direct at 20 MB', value: 100 * ratio, target: 70, goal: 'at least', unit: '%' },
  `proxied throughput at 20 MB: ${fmt(100 * ratio, 0)} % of direct`,
);
report.target(
  { label: 'uploads: companion RSS growth vs the file at 20 MB', value: growth, target: 2, goal: 'at most', unit: 'x' },
  `companion RSS growth at 20 MB: ${fmt(growth, 2)} x the file`,
);
report.save();
process.exit(0);
