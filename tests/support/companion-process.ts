import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CompanionProcess {
  readonly url: string;
  readonly process: ChildProcess;
  /** Everything it wrote on stdout and stderr so far (its JSON log, and a fatal error if it died). */
  output(): string;
}

/**
 * The V8 flags `npm run server` starts the companion with (its heap bound among
 * them), read from package.json so that tests run it exactly as operators do.
 */
export function serverNodeFlags(): string[] {
  const scripts = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')).scripts as Record<string, string>;
  return scripts.server?.match(/--max-[\w-]+=\d+/g) ?? [];
}

/** `npm run server`'s entry point, run through tsx. */
const TYPESCRIPT_ENTRY = 'server/main.ts';

/**
 * `npm run server`'s entry point as its own OS process, with its flags, stdout and stderr piped;
 * `entry` may instead be a built bundle (`dist/server/main.mjs`, as the Dockerfile runs it), without tsx.
 */
function spawnServerMain(env: Record<string, string | undefined>, entry = TYPESCRIPT_ENTRY): ChildProcess {
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  return spawn(process.execPath, [...serverNodeFlags(), ...loader, entry], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Starts `npm run server`'s entry point (or the bundle `entry`) as its own OS process, with its
 * flags, and waits until it listens. It logs JSON (LOG_FORMAT=json, unless `env` says otherwise),
 * as in production.
 */
export async function startCompanionProcess(
  env: Record<string, string>,
  entry = TYPESCRIPT_ENTRY,
): Promise<CompanionProcess> {
  const port = await freePort();
  const child = spawnServerMain(
    {
      ...process.env,
      LOG_FORMAT: 'json',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    entry,
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the companion did not start: ${output}`)), 20_000);
    const listening = () => {
      if (!output.includes('companion listening')) return;
      clearTimeout(timer);
      child.stdout?.off('data', listening);
      resolve();
    };
    child.stdout?.on('data', listening);
    child.once('exit', (code) => reject(new Error(`the companion exited with ${code}: ${output}`)));
  });
  return { url: `http://127.0.0.1:${port}`, process: child, output: () => output };
}

/**
 * Runs `npm run server`'s entry point with `env` (PORT and HOST included, as
 * given) until it exits by itself: for start-up failures. Fails after 20 s.
 * @returns its exit code and everything it wrote on stdout and stderr
 */
export async function companionExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawnServerMain({ ...process.env, ...env });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`the companion did not exit: ${output}`));
    }, 20_000);
    // 'close', not 'exit': by then stdout and stderr are read to their end.
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
