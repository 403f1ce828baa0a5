import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { prepare } from '../../../server/store/prepared';
import type { Database as Tables } from '../../../server/store/rows';
import { sqliteStatements } from '../../../server/store/sqlite-statements';

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

/**
 * A Kysely transaction that inserts `key`, then stays open until `finish` and rolls back: `opened`
 * once its insert has run, `ended` with the rollback's message.
 */
function heldTransaction(key: string) {
  let inside!: () => void;
  const opened = new Promise<void>((resolve) => {
    inside = resolve;
  });
  let finish!: () => void;
  const held = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const ended = db
    .transaction()
    .execute(async (trx) => {
      await trx.insertInto('proof_ids').values({ key, expires_at: 1 }).execute();
      inside();
      await held;
      throw new Error('rolled back');
    })
    .catch((error: Error) => error.message);
  return { opened, finish, ended };
}

describe('the SQLite per-call statements, run without Kysely’s queue', () => {
  it('answer as Kysely’s driver would: affected rows for a write, rows for a read', async () => {
    expect((await remember('a', 1)).numAffectedRows).toBe(1n);
    expect((await remember('a', 1)).numAffectedRows).toBe(0n);
    expect((await find('a')).rows).toEqual([{ key: 'a', expires_at: 1 }]);
    expect((await find('missing')).rows).toEqual([]);
  });

  it('wait for an open transaction to end rather than join it: its rollback does not undo them', async () => {
    const transaction = heldTransaction('in-transaction');
    await transaction.opened;
    expect(sqlite.inTransaction).toBe(true);
    const outside = remember('outside', 1);
    // A read run at once on the connection would see the transaction's row, which its rollback undoes.
    const readMeanwhile = find('in-transaction');
    transaction.finish();
    expect(await transaction.ended).toBe('rolled back');
    expect((await outside).numAffectedRows).toBe(1n);
    expect((await find('outside')).rows).toHaveLength(1);
    expect((await readMeanwhile).rows).toEqual([]);
    expect((await find('in-transaction')).rows).toEqual([]);
  });

  it('commit the writes of one turn together, all or none: a failing one fails the others, none is written', async () => {
    const good = remember('batched-good', 1);
    const bad = remember('batched-bad', null as unknown as number); // NOT NULL: this insert fails
    const goodToo = remember('batched-good-too', 1);
    const results = await Promise.allSettled([good, bad, goodToo]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/NOT NULL/);
    expect((await find('batched-good')).rows).toEqual([]);
    expect((await find('batched-good-too')).rows).toEqual([]);
    // The next turn's writes are a batch of their own.
    expect((await Promise.all([remember('next-a', 1), remember('next-b', 1)])).map((r) => r.numAffectedRows)).toEqual([
      1n,
      1n,
    ]);
  });

  it('leave a batch to Kysely’s queue when a transaction opened before it could commit', async () => {
    const queued = remember('queued-before', 1);
    const transaction = heldTransaction('opened-after');
    await new Promise((resolve) => setImmediate(resolve));
    expect(sqlite.inTransaction).toBe(true);
    transaction.finish();
    await transaction.ended;
    expect((await queued).numAffectedRows).toBe(1n);
    expect((await find('queued-before')).rows).toHaveLength(1);
    expect((await find('opened-after')).rows).toEqual([]);
  });
});
