/**
 * A database a companion of an earlier version made (its bookkeeping in
 * schema_migrations, written by the raw drivers before the store spoke
 * Kysely) migrates forward, and its rows read as before.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { MIGRATIONS } from '../../../server/store/migrations';
import { openPostgresStore } from '../../../server/store/postgres-store';
import { openSqliteStore } from '../../../server/store/sqlite-store';
import type { Store } from '../../../server/store/store';
import { freshDatabase } from '../../support/fresh-database';

const NOW = 1_700_000_000_000;
const BOOKKEEPING =
  'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)';
/** Migrations 1 and 2 as the earlier store applied them, and rows of that time. */
const EARLIER = [
  BOOKKEEPING,
  ...MIGRATIONS.filter((m) => m.version <= 2).flatMap((m) => [
    ...m.statements,
    `INSERT INTO schema_migrations (version, applied_at) VALUES (${m.version}, ${NOW})`,
  ]),
  `INSERT INTO accounts (id, install_id, provider, user_id, screen_name, token, token_secret, status, created_at, last_used_at, access)
   VALUES ('acct-1', 'install-a', 'x', '42', 'alice', 'v1.k.t', 'v1.k.s', 'active', ${NOW}, NULL, 'write')`,
  `INSERT INTO flows (id, install_id, provider, mode, request_token, request_secret, callback_url, created_at, expires_at, state, access)
   VALUES ('flow-1', 'install-a', 'x', 'pin', 'rt', 'v1.k.r', NULL, ${NOW}, ${NOW + 600_000}, 'pending', 'read')`,
  // A proof used just before the upgrade: still refused after it (SQLite's migration 5 rebuilds this table).
  `INSERT INTO proof_ids (key, expires_at) VALUES ('install-a:jti-used-before', ${NOW + 61_000})`,
];

async function expectMigratedForward(store: Store) {
  await store.migrate();
  await store.migrate();
  expect(await store.findAccount('acct-1', 'install-a')).toEqual({
    id: 'acct-1',
    installId: 'install-a',
    provider: 'x',
    userId: '42',
    screenName: 'alice',
    token: 'v1.k.t',
    tokenSecret: 'v1.k.s',
    status: 'active',
    createdAt: NOW,
    lastUsedAt: null,
    access: 'write',
    expiresAt: null,
  });
  expect(await store.findFlow('flow-1')).toMatchObject({ state: 'pending', access: 'read', claimedAt: null });
  expect(await store.rememberProofId('install-a:jti-used-before', NOW / 1000 + 61)).toBe(false);
  expect(await store.rememberProofId('install-a:jti-new', NOW / 1000 + 61)).toBe(true);
  expect(await store.claimFlow('flow-1', 'install-a', NOW)).toBe(true);
  expect((await store.findFlow('flow-1'))?.claimedAt).toBe(NOW);
  await store.close();
}

describe('a database of an earlier version migrates forward', () => {
  it('on SQLite', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'migrate-forward-')), 'companion.db');
    const earlier = new Database(path);
    for (const statement of EARLIER) earlier.exec(statement);
    earlier.close();
    await expectMigratedForward(openSqliteStore(path));
    const after = new Database(path);
    expect(after.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual(
      MIGRATIONS.map((m) => m.version),
    );
    expect(after.prepare("SELECT sql FROM sqlite_master WHERE name = 'proof_ids'").pluck().get()).toMatch(
      /WITHOUT ROWID$/,
    );
    after.close();
  });

  it('on PostgreSQL', async () => {
    const url = await freshDatabase(inject('postgresUrl'));
    const earlier = new pg.Client({ connectionString: url });
    await earlier.connect();
    try {
      for (const statement of EARLIER) await earlier.query(statement);
    } finally {
      await earlier.end();
    }
    await expectMigratedForward(openPostgresStore(url));
  });
});
