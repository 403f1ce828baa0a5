import type { Store } from './store';

/**
 * A schema version: its statements, common to SQLite and PostgreSQL, and
 * those for one database only (run after the common ones), where the two
 * differ.
 */
export interface Migration {
  readonly version: number;
  readonly statements: readonly string[];
  readonly only?: Partial<Record<Store['kind'], readonly string[]>>;
}

/** The statements of `migration` for a database of `kind`. */
export function statementsOf(migration: Migration, kind: Store['kind']): readonly string[] {
  return [...migration.statements, ...(migration.only?.[kind] ?? [])];
}

/**
 * Schema versions, written once for both databases where their SQL is the
 * same. Append; never edit an applied migration.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    statements: [
      `CREATE TABLE installs (
        id TEXT PRIMARY KEY,
        created_at BIGINT NOT NULL,
        last_seen_at BIGINT NOT NULL
      )`,
      `CREATE TABLE proof_ids (
        key TEXT PRIMARY KEY,
        expires_at BIGINT NOT NULL
      )`,
      `CREATE TABLE flows (
        id TEXT PRIMARY KEY,
        install_id TEXT NOT NULL,
        provider TEXT NOT NULL,
        mode TEXT NOT NULL,
        request_token TEXT NOT NULL,
        request_secret TEXT NOT NULL,
        callback_url TEXT,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        state TEXT NOT NULL
      )`,
      'CREATE INDEX flows_expiry ON flows (expires_at)',
      `CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        install_id TEXT NOT NULL,
        provider TEXT NOT NULL,
        user_id TEXT NOT NULL,
        screen_name TEXT NOT NULL,
        token TEXT NOT NULL,
        token_secret TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        last_used_at BIGINT,
        UNIQUE (provider, user_id, install_id)
      )`,
      'CREATE INDEX accounts_install ON accounts (install_id)',
      `CREATE TABLE rate_windows (
        key TEXT PRIMARY KEY,
        count INTEGER NOT NULL,
        reset_at BIGINT NOT NULL
      )`,
    ],
  },
  {
    // The access a connection asked for (read or write), where the provider has levels; null before.
    version: 2,
    statements: ['ALTER TABLE flows ADD COLUMN access TEXT', 'ALTER TABLE accounts ADD COLUMN access TEXT'],
  },
  {
    // A reconnection's account (the flow must come back as its user), and when a token expires.
    version: 3,
    statements: ['ALTER TABLE flows ADD COLUMN account_id TEXT', 'ALTER TABLE accounts ADD COLUMN expires_at BIGINT'],
  },
  {
    // When a flow was claimed for completion: a claim older than any completion can take was stranded by a crash.
    version: 4,
    statements: ['ALTER TABLE flows ADD COLUMN claimed_at BIGINT'],
  },
  {
    // SQLite: the replay cache as one b-tree keyed by the proof's key, not a table and an index: each proxied
    // call inserts one row, and this writes less of SQLite's file per insert (45 -> 35 µs of
    // CPU an insert into 100,000 rows, measured alone). https://www.sqlite.org/withoutrowid.html
    // PostgreSQL keeps its heap and primary-key index.
    version: 5,
    statements: [],
    only: {
      sqlite: [
        'CREATE TABLE proof_ids_keyed (key TEXT PRIMARY KEY, expires_at BIGINT NOT NULL) WITHOUT ROWID',
        'INSERT INTO proof_ids_keyed (key, expires_at) SELECT key, expires_at FROM proof_ids',
        'DROP TABLE proof_ids',
        'ALTER TABLE proof_ids_keyed RENAME TO proof_ids',
      ],
    },
  },
];
