import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { ProcessWindows } from './process-windows';
import { createStore } from './queries';
import type { Database as Tables } from './rows';
import { sqliteStatements } from './sqlite-statements';
import type { Store } from './store';

/**
 * The embedded default: one SQLite file in WAL mode (readers do not block the
 * writer; a crash loses no committed transaction), one connection per
 * process. Kysely's SQLite driver lends that connection to one query or one
 * transaction at a time, so a transaction is never interleaved with another
 * call of this process; other processes on the same file (a key rotation)
 * wait on SQLite's write lock (busy timeout) as before. One companion serves
 * a file, so its rate windows are kept in its memory (process-windows.ts).
 */
export function openSqliteStore(path: string): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new Database(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');

  const { statementFor, runNow } = sqliteStatements(database);
  const db = new Kysely<Tables>({
    dialect: new SqliteDialect({ database: { prepare: statementFor, close: () => database.close() } }),
  });

  const store = createStore(db, {
    kind: 'sqlite',
    // SQLite lives in the process, so only one thing can make it unreachable for a while: another
    // process (a vault rotation) holding the write lock past busy_timeout, SQLITE_BUSY
    // (https://www.sqlite.org/rescode.html#busy). Everything else is a failure of this process.
    isUnavailable: (error) => (error as { code?: unknown } | null)?.code === 'SQLITE_BUSY',
    // One process migrates a file at a time: its only connection is taken for the whole migration.
    lockMigrations: async () => async () => undefined,
    // The transaction holds the only connection, and its first statement SQLite's write lock.
    lockAccountKey: async () => undefined,
    async close() {
      if (database.open) database.close();
    },
    runNow,
  });
  const windows = new ProcessWindows();
  return {
    ...store,
    async hit(key, windowMs, now) {
      return windows.hit(key, windowMs, now);
    },
    async sweep(now) {
      windows.sweep(now);
      await store.sweep(now);
    },
  };
}
