import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';

/**
 * A throwaway PostgreSQL server for the tests: a new cluster in a temp
 * folder on a free loopback port, with fsync off, removed afterwards.
 * PostgreSQL refuses to run as root, so as root it runs as `postgres`.
 * Set TEST_DATABASE_URL to use a server of your own instead.
 */
export interface TestPostgres {
  readonly url: string;
  stop(): void;
  /**
   * Stops the server as a crash would (immediate: connections cut, no checkpoint), waits
   * `downMs`, and starts it again on the same data and port; without blocking the event loop,
   * so that the test's own clients and servers go on meanwhile. Not for a TEST_DATABASE_URL server.
   */
  readonly restart?: (downMs: number) => Promise<void>;
}

export async function startTestPostgres(): Promise<TestPostgres> {
  if (process.env.TEST_DATABASE_URL) return { url: process.env.TEST_DATABASE_URL, stop: () => undefined };
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'oauth1-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  const commandAsOwner = (command: string, args: string[]): [string, string[]] =>
    process.getuid?.() === 0
      ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]]
      : [join(bin, command), args];
  const asOwner = (command: string, args: string[]) => {
    const [file, argv] = commandAsOwner(command, args);
    execFileSync(file, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const startArgs = [
    '-D',
    data,
    '-w',
    '-l',
    join(dir, 'log'),
    '-o',
    `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c max_connections=200`,
    'start',
  ];
  asOwner('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  asOwner('pg_ctl', startArgs);
  const inBackground = (command: string, args: string[]) => promisify(execFile)(...commandAsOwner(command, args));
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async restart(downMs) {
      await inBackground('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await inBackground('pg_ctl', startArgs);
    },
    stop() {
      try {
        asOwner('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const bin = join(root, version, 'bin');
    if (existsSync(join(bin, 'initdb'))) return bin;
  }
  const onPath = spawnSync('sh', ['-c', 'dirname "$(command -v initdb)"'], { encoding: 'utf8' }).stdout.trim();
  if (onPath && existsSync(join(onPath, 'initdb'))) return onPath;
  throw new Error('PostgreSQL is not installed: apt-get install postgresql (npm test does this when it can)');
}
