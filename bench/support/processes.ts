import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The heap settings `npm run server` and docs/companion.md ("Running it") give the companion. */
export const PRODUCTION_NODE_OPTIONS = '--max-old-space-size=96 --max-semi-space-size=8';

/**
 * Starts a script as its own process (TypeScript through tsx, built .mjs as
 * production would run it), with its output going to a file in `logDir` as a
 * log shipper would take it, and waits until `readyUrl` answers. It is sent
 * SIGTERM when the benchmark's process exits.
 */
export async function startProcess(
  script: string,
  env: Record<string, string>,
  readyUrl: string,
  logDir: string,
): Promise<ChildProcess> {
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  // BENCH_PROFILE=dir writes the companion's CPU profile there (--cpu-prof is not allowed in NODE_OPTIONS).
  if (process.env.BENCH_PROFILE && script.endsWith('main.mjs'))
    loader.push('--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`);
  const log = openSync(join(logDir, `${script.replaceAll('/', '_')}.log`), 'a');
  const child = spawn(process.execPath, [...loader, script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
  });
  // However the benchmark ends (a thrown error included), its processes end with it.
  // Not again for one already sent SIGTERM: a second one would end it before its --cpu-prof profile is written.
  process.once('exit', () => {
    if (!child.killed) child.kill('SIGTERM');
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`))),
  );
  const deadline = Date.now() + 20_000;
  for (;;) {
    const answered = await Promise.race([
      fetch(readyUrl).then(
        () => true,
        () => false,
      ),
      exited,
    ]);
    if (answered) return child;
    if (Date.now() > deadline) throw new Error(`${script} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A process's resident set now (VmRSS) and its high-water mark (VmHWM), in MB (2^20 bytes; Linux /proc). */
export function residentMegabytes(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { now: kilobytes('VmRSS') / 1024, peak: kilobytes('VmHWM') / 1024 };
}

/** Resets a process's VmHWM to its current RSS, so that the next peak is measured alone (proc(5), clear_refs "5"). */
export function resetPeakResident(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/**
 * The companion as it runs in production: the built bundle (`npm run build:server`, run here first, unless
 * `build` names a directory holding one already, as bench:proxy-compare's builds are), no TypeScript
 * loader, the production heap settings (docs/companion.md, "Running it": they bound the RSS) unless
 * `nodeOptions` says otherwise, SQLite in `dir`, and its log as production writes it: JSON lines
 * (`NODE_ENV=production` would also demand https URLs), not pino-pretty's coloured lines, formatted in a
 * worker thread whose CPU counts as the companion's. Resolves once `/healthz` answers.
 */
export async function startProductionCompanion(options: {
  readonly port: number;
  readonly dir: string;
  readonly configPath: string;
  readonly consumerSecret: string;
  readonly requestsPerMinute: number;
  /** A directory of the repository holding `server/main.mjs`; dist/ freshly built when absent. */
  readonly build?: string;
  readonly nodeOptions?: string | undefined;
}): Promise<ChildProcess> {
  if (options.build === undefined) {
    const build = spawnSync('npm', ['run', 'build:server'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('npm run build:server failed');
  }
  const publicUrl = `http://127.0.0.1:${options.port}`;
  return startProcess(
    join(options.build ?? 'dist', 'server/main.mjs'),
    {
      PORT: String(options.port),
      PUBLIC_URL: publicUrl,
      DATABASE_URL: `sqlite:${join(options.dir, 'companion.db')}`,
      VAULT_KEY: randomBytes(32).toString('base64'),
      LOG_FORMAT: 'json',
      COMPANION_CONFIG: options.configPath,
      DEV_CONSUMER_SECRET: options.consumerSecret,
      REQUESTS_PER_MINUTE: String(options.requestsPerMinute),
      NODE_OPTIONS: options.nodeOptions ?? process.env.BENCH_COMPANION_NODE_OPTIONS ?? PRODUCTION_NODE_OPTIONS,
    },
    `${publicUrl}/healthz`,
    options.dir,
  );
}
