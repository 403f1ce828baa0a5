import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { freshDatabase } from '../../support/fresh-database';

export type DatabaseKind = 'SQLite' | 'PostgreSQL';
export const DATABASES: readonly DatabaseKind[] = ['SQLite', 'PostgreSQL'];

/**
 * A new, empty database for one companion: a SQLite file in a temp folder (a file, not memory:
 * the crash phase restarts the companion on it), or a database in the run's PostgreSQL server.
 */
export async function freshDatabaseUrl(kind: DatabaseKind, postgresUrl: string): Promise<string> {
  if (kind === 'SQLite') return `sqlite:${join(mkdtempSync(join(tmpdir(), 'oauth1-reliability-')), 'companion.db')}`;
  return freshDatabase(postgresUrl);
}

export interface FlowRecord {
  readonly id: string;
  readonly installId: string;
  readonly state: string;
  readonly claimedAt: number | null;
  readonly expiresAt: number;
}

/**
 * The companion's database read behind its back, to check what it stored: counts, flows,
 * SQLite's integrity check. SQLite is opened read-only for each look (the companion may be
 * writing, or have just been killed); PostgreSQL through its own client.
 */
export interface DatabaseProbe {
  /** Rows of `table`, all of them or one install's. */
  count(table: 'accounts' | 'flows', installId?: string): Promise<number>;
  /** How many accounts each install has (installs with none left out). */
  accountsPerInstall(): Promise<Map<string, number>>;
  flows(): Promise<FlowRecord[]>;
  /** `PRAGMA integrity_check`'s answer ("ok" when sound); PostgreSQL has none: undefined. */
  integrityCheck(): Promise<string | undefined>;
  /** Moves the claims of flows still completing `ms` into the past, as if that time had gone by. */
  ageClaims(ms: number): Promise<void>;
  close(): Promise<void>;
}

interface FlowColumns {
  id: string;
  install_id: string;
  state: string;
  claimed_at: string | number | null;
  expires_at: string | number;
}

const flowRecord = (row: FlowColumns): FlowRecord => ({
  id: row.id,
  installId: row.install_id,
  state: row.state,
  claimedAt: row.claimed_at === null ? null : Number(row.claimed_at),
  expiresAt: Number(row.expires_at),
});

export function probeDatabase(databaseUrl: string): DatabaseProbe {
  return databaseUrl.startsWith('sqlite:')
    ? sqliteProbe(databaseUrl.slice('sqlite:'.length))
    : postgresProbe(databaseUrl);
}

function sqliteProbe(path: string): DatabaseProbe {
  const reading = <T>(look: (db: Database.Database) => T): Promise<T> => {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      return Promise.resolve(look(db));
    } finally {
      db.close();
    }
  };
  return {
    count: (table, installId) =>
      reading((db) =>
        installId === undefined
          ? (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
          : (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE install_id = ?`).get(installId) as { n: number }).n,
      ),
    accountsPerInstall: () =>
      reading(
        (db) =>
          new Map(
            (
              db.prepare('SELECT install_id, count(*) AS n FROM accounts GROUP BY install_id').all() as {
                install_id: string;
                n: number;
              }[]
            ).map((row) => [row.install_id, row.n]),
          ),
      ),
    flows: () =>
      reading((db) =>
        (db.prepare('SELECT id, install_id, state, claimed_at, expires_at FROM flows').all() as FlowColumns[]).map(
          flowRecord,
        ),
      ),
    integrityCheck: () =>
      reading((db) =>
        (db.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check).join('; '),
      ),
    ageClaims: async (ms) => {
      const db = new Database(path, { fileMustExist: true });
      try {
        db.prepare("UPDATE flows SET claimed_at = claimed_at - ? WHERE state = 'completing'").run(ms);
      } finally {
        db.close();
      }
    },
    close: async () => undefined,
  };
}

function postgresProbe(url: string): DatabaseProbe {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // A probe outlives a PostgreSQL restart in the tests: a dropped idle connection is not an error here.
  pool.on('error', () => undefined);
  const rows = async <T extends pg.QueryResultRow>(sql: string, values: unknown[] = []) =>
    (await pool.query<T>(sql, values)).rows;
  return {
    count: async (table, installId) =>
      Number(
        (
          await rows<{ n: string }>(
            `SELECT count(*) AS n FROM ${table}${installId === undefined ? '' : ' WHERE install_id = $1'}`,
            installId === undefined ? [] : [installId],
          )
        )[0]?.n,
      ),
    accountsPerInstall: async () =>
      new Map(
        (
          await rows<{ install_id: string; n: string }>(
            'SELECT install_id, count(*) AS n FROM accounts GROUP BY install_id',
          )
        ).map((row) => [row.install_id, Number(row.n)]),
      ),
    flows: async () =>
      (await rows<FlowColumns>('SELECT id, install_id, state, claimed_at, expires_at FROM flows')).map(flowRecord),
    integrityCheck: async () => undefined,
    ageClaims: async (ms) => {
      await rows("UPDATE flows SET claimed_at = claimed_at - $1 WHERE state = 'completing'", [ms]);
    },
    close: () => pool.end(),
  };
}
