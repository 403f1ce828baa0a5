import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { prepare } from '../../../server/store/prepared';
import type { Database as Tables } from '../../../server/store/rows';

const sqlite = new Database(':memory:');
sqlite.exec('CREATE TABLE rate_windows (key TEXT PRIMARY KEY, count INTEGER NOT NULL, reset_at BIGINT NOT NULL)');
const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: sqlite }) });
afterAll(async () => {
  await db.destroy();
});

describe('prepare: a query compiled once', () => {
  it('runs with each call’s values in the places of its parameters, constants kept, a value used twice', async () => {
    const insert = prepare(db, (key: string, count: number) =>
      db.insertInto('rate_windows').values({ key, count, reset_at: 7 }),
    );
    await insert('a', 1);
    await insert('b', 2);
    const find = prepare(db, (key: string, atLeast: number) =>
      db
        .selectFrom('rate_windows')
        .select(['key', 'count', 'reset_at'])
        .where((eb) => eb.or([eb('key', '=', key), eb('count', '>=', atLeast)]))
        .where('reset_at', '=', 7)
        .where((eb) => eb('key', '=', key).or('reset_at', '<', atLeast)),
    );
    expect((await find('a', 5)).rows).toEqual([{ key: 'a', count: 1, reset_at: 7 }]);
    expect((await find('b', 100)).rows).toEqual([{ key: 'b', count: 2, reset_at: 7 }]);
    expect((await find('c', 1)).rows).toEqual([]);
  });

  it('refuses a value that does not reach the query as a parameter of its own', () => {
    expect(() =>
      prepare(db, (key: string, now: number) =>
        db.selectFrom('rate_windows').selectAll().where('key', '=', `${key}:x`).where('reset_at', '<', now),
      ),
    ).toThrow(/changed before it reached the query/);
    // Left out, or made part of the SQL (a literal), it would be ignored at every run.
    expect(() =>
      prepare(db, (key: string, _now: number) => db.selectFrom('rate_windows').selectAll().where('key', '=', key)),
    ).toThrow(/value 1 is not a parameter/);
  });
});
