/**
 * The companion's logger, for `npm run server` and `npm start`: JSON lines in
 * production and for log collectors, readable lines for a person at a
 * terminal.
 */
import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';

export type LogFormat = 'json' | 'pretty';

/**
 * JSON when `NODE_ENV=production` or `LOG_FORMAT=json`; otherwise pretty, if
 * pino-pretty is installed. It is a devDependency, so an install without
 * them (`npm ci --omit=dev`) logs JSON instead of failing to start.
 */
export function logFormat(env: Readonly<Record<string, string | undefined>>): LogFormat {
  if (env.NODE_ENV === 'production' || env.LOG_FORMAT === 'json') return 'json';
  return prettyInstalled() ? 'pretty' : 'json';
}

/**
 * A pino logger named `name` at `level` (`info` by default), in the format
 * `logFormat(env)` chooses. Pretty output goes to stdout (fd 1), like JSON, so
 * whoever waits for "companion listening" there finds it either way.
 */
export function createLogger(options: {
  readonly name: string;
  readonly level?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
}): Logger {
  const base = { name: options.name, level: options.level ?? 'info' };
  if (logFormat(options.env) === 'json') return pino(base);
  return pino({
    ...base,
    // A transport runs in a worker thread; pino flushes it on exit, so a fatal line before process.exit is not lost.
    transport: {
      target: 'pino-pretty',
      options: { destination: 1, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
    },
  });
}

function prettyInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}
