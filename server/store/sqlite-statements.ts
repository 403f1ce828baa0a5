import type Database from 'better-sqlite3';
import type { QueryResult } from 'kysely';
import type { RunNow } from './prepared';

/**
 * A SQLite database's statements: each prepared once per SQL text (preparing
 * parses the SQL, which costs more than running it; Kysely's driver prepares
 * every query it runs and gets them from here), and `runNow` (prepared.ts)
 * for the statements of every proxied call, run as Kysely's driver would run
 * them (prepare, then all or run) but without its queue of promises and
 * plugin passes (about 15 µs a statement):
 *
 * - a read runs at once;
 * - a write waits for the end of this turn of the event loop and commits in
 *   one transaction with the other writes of the turn (a group commit): each
 *   commit writes its changed pages to the WAL again, so 10 inserts in one
 *   transaction cost half of 10 alone (18 µs against 36 µs each, measured
 *   alone). Its promise settles once the transaction has committed, so a
 *   proof id is on disk before its request goes on. If that transaction fails
 *   (a full disk, the write lock held by another process past the busy
 *   timeout), every write of the batch fails with its error: nothing of it
 *   was written.
 *
 * Neither runs while a Kysely transaction is open on the connection (between
 * its awaits), which they would join: they answer undefined, and wait for
 * Kysely's connection like any other query.
 */
export function sqliteStatements(database: Database.Database): {
  statementFor: (sql: string) => Database.Statement;
  runNow: RunNow;
} {
  const prepared = new Map<string, Database.Statement>();
  const statementFor = (sql: string) => {
    let statement = prepared.get(sql);
    if (!statement) {
      statement = database.prepare(sql);
      prepared.set(sql, statement);
    }
    return statement;
  };

  type Write = {
    readonly statement: Database.Statement;
    readonly parameters: readonly unknown[];
    readonly settle: (result: QueryResult<unknown> | undefined, error?: unknown) => void;
  };
  let writes: Write[] = [];
  const commitAll = database.transaction((batch: Write[]) =>
    batch.map(({ statement, parameters }) => statement.run(parameters).changes),
  );
  const commit = () => {
    const batch = writes;
    writes = [];
    if (database.inTransaction) {
      for (const write of batch) write.settle(undefined);
      return;
    }
    let changes: number[];
    try {
      changes = commitAll(batch);
    } catch (error) {
      for (const write of batch) write.settle(undefined, error);
      return;
    }
    for (const [i, write] of batch.entries()) write.settle({ numAffectedRows: BigInt(changes[i] as number), rows: [] });
  };

  const runNow: RunNow = (query) => {
    if (database.inTransaction) return undefined;
    const statement = statementFor(query.sql);
    if (statement.reader) return { rows: statement.all(query.parameters) };
    return new Promise((resolve, reject) => {
      if (writes.length === 0) setImmediate(commit);
      writes.push({
        statement,
        parameters: query.parameters,
        settle: (result, error) => (error === undefined ? resolve(result) : reject(error)),
      });
    });
  };
  return { statementFor, runNow };
}
