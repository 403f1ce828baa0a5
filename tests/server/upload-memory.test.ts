/**
 * Uploads through the companion hold memory for their files, and only that:
 * "while a 20 MB upload is in flight, companion RSS grows by at most about
 * twice the file size, and returns afterwards". The companion runs as its own
 * process with `npm run server`'s heap flags; its provider is a stub on a real
 * socket that reads uploads at a distant provider's pace, so that each upload
 * stays in flight long enough to watch. The companion's resident set is read
 * from /proc: sampled every few milliseconds, and its high-water mark (VmHWM)
 * reset just before each upload, so that no peak between samples is missed.
 * What an upload leaves behind is garbage until V8's next full collection
 * (a forced one brings the RSS back to idle; nothing special is triggered
 * here), so "returns" is checked as: no growth from one upload to the next.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompanionProcess, startCompanionProcess } from '../support/companion-process';
import { makeInstall, type TestInstall } from '../support/dpop';
import { freePort } from '../support/free-port';
import { authorizeOverHttp, callOverHttp, companionEnvironment, startRealDevProvider } from '../support/real-companion';
import { type StubReceipt, uploadStubHandler } from '../support/upload-stub';

const MB = 1024 * 1024;
/** UPLOAD_MAX_MB's default: the largest upload the companion takes. */
const FILE_BYTES = 20 * MB;
/** How fast the stub reads, bytes per second: a 20 MB upload takes about 0.6 s to reach it. */
const PACE = 32 * MB;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let stub: Server;
let stubUrl: string;
let real: Awaited<ReturnType<typeof startRealDevProvider>>;
let companion: CompanionProcess;
let env: Record<string, string>;
const users: { install: TestInstall; accountId: string }[] = [];

beforeAll(async () => {
  stub = createServer(uploadStubHandler());
  const port = await freePort();
  await new Promise<void>((resolve) => stub.listen(port, '127.0.0.1', resolve));
  stubUrl = `http://127.0.0.1:${port}`;
  real = await startRealDevProvider((devUrl) => ({
    apiBaseUrls: [`${devUrl}/1.1/`, `${stubUrl}/`],
    uploads: { multipart: { signedFields: 'none' }, raw: true },
  }));
  env = await companionEnvironment(real.configPath, {
    REQUESTS_PER_MINUTE: '100000',
    FLOWS_PER_MINUTE: '1000',
    UPLOAD_MAX_MB: '20',
    ANSWER_BUDGET_MB: '48',
  });
  companion = await startCompanionProcess(env);
  // One account per install: each install may hold one largest upload (answer-budget.ts), not two.
  for (let i = 0; i < 3; i++) {
    const install = await makeInstall();
    const created = await call(install, 'POST', '/v1/flows', { provider: 'dev' });
    const callback = await authorizeOverHttp(created.json.authorizeUrl as string, String(1001 + i));
    const completed = await call(install, 'POST', `/v1/flows/${created.json.flowId}/complete`, {
      oauthToken: callback.searchParams.get('oauth_token'),
      oauthVerifier: callback.searchParams.get('oauth_verifier'),
    });
    users.push({ install, accountId: (completed.json.account as { id: string }).id });
  }
}, 60_000);

afterAll(async () => {
  companion?.process.kill('SIGTERM');
  await real?.dev.close();
  stub?.closeAllConnections();
  stub?.close();
});

function call(install: TestInstall, method: string, path: string, body?: unknown) {
  return callOverHttp(companion.url, env.PUBLIC_URL as string, install, method, path, body);
}

type Outcome = 'intact' | 'busy' | `unexpected: ${string}`;

/**
 * One upload through the companion, as the extension sends it: multipart
 * (X's one-shot shape, the file and a text field) or a raw body (SmugMug's),
 * judged by what the stub received: the same bytes, or a clean companion_busy.
 */
async function upload(user: (typeof users)[number], shape: 'multipart' | 'raw', file: Buffer): Promise<Outcome> {
  const declared = { file: 'f0', size: file.byteLength, md5: md5(file) };
  const request =
    shape === 'multipart'
      ? {
          method: 'POST',
          url: `${stubUrl}/2/media/upload?pace=${PACE}`,
          multipart: [
            { name: 'media', filename: 'photo.png', contentType: 'image/png', ...declared },
            { name: 'media_category', value: 'tweet_image' },
          ],
        }
      : { method: 'POST', url: `${stubUrl}/upload/?pace=${PACE}`, raw: { contentType: 'image/jpeg', ...declared } };
  const form = new FormData();
  form.append('request', JSON.stringify(request));
  form.append('f0', new Blob([new Uint8Array(file)]), 'f0');
  const path = `/v1/accounts/${user.accountId}/requests`;
  const response = await fetch(`${companion.url}${path}`, {
    method: 'POST',
    headers: { dpop: await user.install.proof('POST', `${env.PUBLIC_URL}${path}`) },
    body: form,
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (response.status === 503 && answer.code === 'companion_busy' && response.headers.get('retry-after') === '1') {
    return 'busy';
  }
  if (response.status !== 200 || answer.status !== 200) {
    return `unexpected: ${response.status} ${answer.code ?? answer.status} ${answer.body ?? ''}`;
  }
  const receipt = JSON.parse(answer.body as string) as StubReceipt;
  return receipt.bytes === file.byteLength && receipt.sha256 === sha256(file)
    ? 'intact'
    : `unexpected: ${receipt.bytes} bytes, sha256 ${receipt.sha256}`;
}

/** The companion's resident set (VmRSS) and its high-water mark (VmHWM), bytes. */
function resident(): { now: number; peak: number } {
  const status = readFileSync(`/proc/${companion.process.pid}/status`, 'utf8');
  const bytes = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]) * 1024;
  return { now: bytes('VmRSS'), peak: bytes('VmHWM') };
}

/** Resets the companion's VmHWM to its current RSS (Linux: clear_refs, 5; proc(5)). */
function resetPeak(): void {
  writeFileSync(`/proc/${companion.process.pid}/clear_refs`, '5');
}

interface Watched<T> {
  readonly result: T;
  /** RSS just before, bytes. */
  readonly baseline: number;
  /** The highest RSS while `run` was in flight, bytes. */
  readonly peak: number;
  /** RSS at `settleMs` after `run` finished, bytes. */
  readonly after: number;
}

/** Runs `run` while watching the companion's RSS: before, at its peak, and `settleMs` after. */
async function watched<T>(run: () => Promise<T>, settleMs = 1_000): Promise<Watched<T>> {
  const baseline = resident().now;
  resetPeak();
  let sampled = baseline;
  const sampler = setInterval(() => {
    sampled = Math.max(sampled, resident().now);
  }, 5);
  try {
    const result = await run();
    const peak = Math.max(sampled, resident().peak);
    await sleep(settleMs);
    return { result, baseline, peak, after: resident().now };
  } finally {
    clearInterval(sampler);
  }
}

const inMb = (bytes: number) => (bytes / MB).toFixed(1);
const timesFile = (bytes: number) => (bytes / FILE_BYTES).toFixed(2);

describe('20 MB uploads through the companion', () => {
  it('grow its RSS by at most about twice the file while in flight, and do not pile up', async () => {
    const user = users[0] as (typeof users)[number];
    // Warm-up: the upload path's modules and code are loaded and compiled before anything is measured.
    expect(await upload(user, 'multipart', randomBytes(MB))).toBe('intact');
    expect(await upload(user, 'raw', randomBytes(MB))).toBe('intact');
    await sleep(500);
    const idle = resident().now;

    const seen: (Watched<Outcome> & { shape: string })[] = [];
    for (const shape of ['multipart', 'raw', 'multipart', 'raw', 'multipart', 'raw', 'multipart', 'raw'] as const) {
      const file = randomBytes(FILE_BYTES);
      seen.push({ shape, ...(await watched(() => upload(user, shape, file), 1_000)) });
    }
    console.info(
      `upload memory, ${inMb(FILE_BYTES)} MB files one at a time, companion idle at ${inMb(idle)} MB: ` +
        seen
          .map(
            (s) =>
              `${s.shape} +${inMb(s.peak - s.baseline)} MB at peak (${timesFile(s.peak - s.baseline)} x) ` +
              `over ${inMb(s.baseline)}, ${inMb(s.after)} MB 1 s later`,
          )
          .join('; '),
    );
    for (const s of seen) {
      expect(s.result).toBe('intact');
      // The file, held once, and the network's chunks until the collector takes them.
      expect(s.peak - s.baseline).toBeLessThanOrEqual(2.2 * FILE_BYTES);
    }
    // What stays after an upload is the last file, garbage until V8's next full collection (the next
    // upload's, or its memory reducer's, seconds later): each upload reuses it, none adds to it.
    const first = seen[0] as Watched<Outcome>;
    const last = seen.at(-1) as Watched<Outcome>;
    expect(first.after - idle).toBeLessThanOrEqual(2.2 * FILE_BYTES);
    // When that collection comes is V8's choice: up to two files' worth may still be waiting for it (seen:
    // 47 MB once on a loaded machine). A leak would add a file per upload: seven more, 140 MB.
    expect(last.after - first.after).toBeLessThanOrEqual(2.5 * FILE_BYTES);
  }, 60_000);

  it('three at once from three installs: what the budget cannot hold is refused with 503, the rest arrive', async () => {
    const files = users.map(() => randomBytes(FILE_BYTES));
    const seen = await watched(() =>
      Promise.all(users.map((user, i) => upload(user, 'multipart', files[i] as Buffer))),
    );
    const count = (wanted: Outcome) => seen.result.filter((outcome) => outcome === wanted).length;
    console.info(
      `upload memory, three ${inMb(FILE_BYTES)} MB uploads at once, ANSWER_BUDGET_MB=48: ` +
        `${count('intact')} intact, ${count('busy')} companion_busy; ` +
        `RSS +${inMb(seen.peak - seen.baseline)} MB at peak over ${inMb(seen.baseline)} ` +
        `(${timesFile(seen.peak - seen.baseline)} x one file), ${inMb(seen.after)} MB 1 s later`,
    );
    // 48 MB holds two 20 MB uploads (and their answers), not three.
    expect(count('intact')).toBe(2);
    expect(count('busy')).toBe(1);
    expect(seen.peak - seen.baseline).toBeLessThanOrEqual(2.2 * 2 * FILE_BYTES);
    expect(companion.process.exitCode).toBeNull();
    expect((await fetch(`${companion.url}/healthz`)).status).toBe(200);
    // The budget is whole again: the refused install's upload goes through now.
    const refused = seen.result.indexOf('busy');
    expect(await upload(users[refused] as (typeof users)[number], 'multipart', files[refused] as Buffer)).toBe(
      'intact',
    );
    expect(companion.output()).not.toMatch(/heap out of memory|FATAL ERROR/);
  }, 30_000);
});
