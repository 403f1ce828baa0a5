import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { prepare } from '../../../server/store/prepared';
import type { Database as Tables } from '../../../server/store/rows';
import { sqliteStatements } from '../../../server/store/sqlite-store';

const sqlite = new Database(':memory:');
sqlite.exec('CREATE TABLE proof_ids (key TEXT PRIMARY KEY, expires_at BIGINT NOT NULL) WITHOUT ROWID');
const { statementFor, runNow } = sqliteStatements(sqlite);
const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: { prepare: statementFor, close() {} } }) });
const remember = prepare(
  db,
  (key: string, expiresAt: number) =>
    db
      .insertInto('proof_ids')
      .values({ key, expires_at: expiresAt })
      .onConflict((conflict) => conflict.column('key').doNothing()),
  runNow,
);
const find = prepare(db, (key: string) => db.selectFrom('proof_ids').selectAll().where('key', '=', key), runNow);
afterAll(() => sqlite.close());

describe('the SQLite per-call statements, run at once', () => {
  it('answer as Kysely’s driver would: affected rows for a write, rows for a read', async () => {
    expect((await remember('a', 1)).numAffectedRows).toBe(1n);
    expect((await remember('a', 1)).numAffectedRows).toBe(0n);
    expect((await find('a')).rows).toEqual([{ key: 'a', expires_at: 1 }]);
    expect((await find('missing')).rows).toEqual([]);
  });

  it('wait for an open transaction to end rather than join it: its rollback does not undo them', async () => {
    let inside!: () => void;
    const opened = new Promise<void>((resolve) => {
      inside = resolve;
    });
    let finish!: () => void;
    const held = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const transaction = db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('proof_ids').values({ key: 'in-transaction', expires_at: 1 }).execute();
        inside();
        await held;
        throw new Error('rolled back');
      })
      .catch((error: Error) => error.message);
    await opened;
    expect(sqlite.inTransaction).toBe(true);
    const outside = remember('outside', 1);
    finish();
    expect(await transaction).toBe('rolled back');
    expect((await outside).numAffectedRows).toBe(1n);
    expect((await find('outside')).rows).toHaveLength(1);
    expect((await find('in-transaction')).rows).toEqual([]);
  });
});
