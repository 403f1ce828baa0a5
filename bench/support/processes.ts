import { type ChildProcess, spawn } from 'node:child_process';
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
