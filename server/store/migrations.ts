/**
 * Schema versions, written once for both databases (the SQL here is common
 * to SQLite and PostgreSQL). Append; never edit an applied migration.
 */
export const MIGRATIONS: readonly { readonly version: number; readonly statements: readonly string[] }[] = [
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
];
