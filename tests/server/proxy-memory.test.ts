/**
 * The adversarial run's first finding, as a test: four simultaneous 4.9 MB
 * text answers full of control bytes, or a few dozen binary downloads, used to
 * end the companion with "JavaScript heap out of memory". Here the companion
 * runs as its own process with `npm run server`'s heap bound and is sent
 * dozens of maximum-size answers of the worst kinds at once. It must stay up,
 * and every answer must arrive byte for byte or be refused as companion_busy.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompanionProcess, startCompanionProcess } from '../support/companion-process';
import { makeInstall, type TestInstall } from '../support/dpop';
import { freePort } from '../support/free-port';
import { authorizeOverHttp, callOverHttp, companionEnvironment, startRealDevProvider } from '../support/real-companion';

/** Just under the companion's 5 MiB cap on an answer. */
const SIZE = Math.floor(4.9 * 1024 * 1024);

/** The answers that cost the most: each the worst case of one kind of envelope. */
const KINDS = {
  // JSON spells each as \u0001: six bytes for one.
  control: { type: 'text/plain', body: Buffer.alloc(SIZE, 0x01) },
  // \" : two bytes for one.
  quotes: { type: 'text/plain', body: Buffer.alloc(SIZE, 0x22) },
  binary: { type: 'application/octet-stream', body: randomBytes(SIZE) },
  invalidUtf8: { type: 'text/plain; charset=utf-8', body: Buffer.alloc(SIZE, 0xff) },
  json: { type: 'application/json', body: Buffer.from(`[${'"\\\\",'.repeat(Math.floor(SIZE / 5) - 1)}""]`) },
} as const;
type Kind = keyof typeof KINDS;
const KIND_NAMES = Object.keys(KINDS) as Kind[];
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const DIGESTS = Object.fromEntries(KIND_NAMES.map((kind) => [kind, sha256(KINDS[kind].body)])) as Record<Kind, string>;

let blobs: Server;
let blobsUrl: string;
let real: Awaited<ReturnType<typeof startRealDevProvider>>;
let companion: CompanionProcess;
let env: Record<string, string>;
const users: { install: TestInstall; accountId: string }[] = [];

beforeAll(async () => {
  blobs = createServer((request, response) => {
    const kind = KINDS[(request.url ?? '').split('/').at(-1) as Kind];
    if (!kind) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': kind.type, 'content-length': kind.body.byteLength }).end(kind.body);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => blobs.listen(port, '127.0.0.1', resolve));
  blobsUrl = `http://127.0.0.1:${port}`;
  real = await startRealDevProvider((devUrl) => ({ apiBaseUrls: [`${devUrl}/1.1/`, `${blobsUrl}/`] }));
  env = await companionEnvironment(real.configPath, {
    REQUESTS_PER_MINUTE: '100000',
    FLOWS_PER_MINUTE: '1000',
    ANSWER_BUDGET_MB: '48',
  });
  companion = await startCompanionProcess(env);
  // Several installs, each with its own account: one install may hold only a quarter of the budget.
  for (let i = 0; i < 6; i++) {
    const install = await makeInstall();
    const created = await call(install, 'POST', '/v1/flows', { provider: 'dev' });
    const callback = await authorizeOverHttp(created.json.authorizeUrl as string, String(1001 + (i % 3)));
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
  blobs?.closeAllConnections();
  blobs?.close();
});

function call(install: TestInstall, method: string, path: string, body?: unknown) {
  return callOverHttp(companion.url, env.PUBLIC_URL as string, install, method, path, body);
}

type Outcome = 'intact' | 'busy' | `unexpected: ${string}`;

/** One proxied download, judged: the whole body byte for byte, or a clean companion_busy. */
async function download(user: (typeof users)[number], kind: Kind): Promise<Outcome> {
  const path = `/v1/accounts/${user.accountId}/requests`;
  const response = await fetch(`${companion.url}${path}`, {
    method: 'POST',
    headers: {
      dpop: await user.install.proof('POST', `${env.PUBLIC_URL}${path}`),
      'content-type': 'application/json',
    },
    body: JSON.stringify({ method: 'GET', url: `${blobsUrl}/blob/${kind}` }),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (response.status === 503 && answer.code === 'companion_busy' && response.headers.get('retry-after') === '1') {
    return 'busy';
  }
  if (response.status !== 200 || answer.status !== 200) return `unexpected: ${response.status} ${answer.code}`;
  const bytes = Buffer.from(answer.body as string, answer.bodyEncoding === 'base64' ? 'base64' : 'utf8');
  return sha256(bytes) === DIGESTS[kind] ? 'intact' : `unexpected: ${kind} altered`;
}

/** The companion's resident set, now and at its peak (Linux /proc), in MB. */
function residentMegabytes(): { now: number; peak: number } {
  const status = readFileSync(`/proc/${companion.process.pid}/status`, 'utf8');
  const kilobytes = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]);
  return { now: Math.round(kilobytes('VmRSS') / 1024), peak: Math.round(kilobytes('VmHWM') / 1024) };
}

describe('concurrent maximum-size answers of the worst kinds', () => {
  it('keep the companion alive: every answer intact or refused as companion_busy', async () => {
    const outcomes: Outcome[] = [];
    for (let round = 0; round < 3; round++) {
      const calls = Array.from({ length: 48 }, (_, i) =>
        download(users[i % users.length] as (typeof users)[number], KIND_NAMES[i % KIND_NAMES.length] as Kind),
      );
      outcomes.push(...(await Promise.all(calls)));
    }
    const memory = residentMegabytes();
    const count = (wanted: Outcome) => outcomes.filter((outcome) => outcome === wanted).length;
    console.info(
      `proxy memory: ${outcomes.length} answers of ${(SIZE / 1024 / 1024).toFixed(1)} MB at 48 at a time: ` +
        `${count('intact')} intact, ${count('busy')} companion_busy; ` +
        `companion RSS ${memory.now} MB, peak ${memory.peak} MB`,
    );
    expect(companion.process.exitCode).toBeNull();
    expect(outcomes.filter((outcome) => outcome !== 'intact' && outcome !== 'busy')).toEqual([]);
    expect(count('intact')).toBeGreaterThanOrEqual(3 * 8);

    // Every byte of the budget came back: each kind, asked alone, is served whole.
    for (const kind of KIND_NAMES) expect(await download(users[0] as (typeof users)[number], kind)).toBe('intact');
    expect((await fetch(`${companion.url}/healthz`)).status).toBe(200);
    expect(companion.output()).not.toMatch(/heap out of memory|FATAL ERROR/);
  }, 120_000);
});
