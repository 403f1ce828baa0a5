import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database } from './rows';

const MARK = '\u0000value ';

/**
 * A query built and compiled once, then run with new values: for the
 * statements of every proxied call. Kysely builds and compiles a query each
 * time it runs one, which takes 10-30 µs of CPU, several times what SQLite
 * takes to run these statements; compiled once, it adds 2-3 µs. The
 * compiled SQL of a query is the same for any values (they are parameters),
 * so `build` is called once with a marker in place of each value, and each
 * run hands Kysely the compiled query (`executeQuery`, as in its recipe for
 * splitting building from running) with the markers' parameters replaced.
 *
 * `build` must pass each of its values to Kysely as it is (no arithmetic, no
 * default values): a value that does not come out as a parameter of its own
 * is refused here, at once, rather than run wrong.
 *
 * `runNow`, where the database has one, runs the compiled query itself on
 * its connection (SQLite's, in the process: sqlite-statements.ts) and
 * answers undefined when it cannot (a transaction holds that connection):
 * the query then waits for Kysely's connection like any other.
 */
export function prepare<Values extends unknown[], Row>(
  db: Kysely<Database>,
  build: (...values: Values) => Compilable<Row>,
  runNow?: RunNow,
): (...values: Values) => Promise<QueryResult<Row>> {
  const markers = Array.from({ length: build.length }, (_, i) => `${MARK}${i}\u0000`);
  const compiled = build(...(markers as Values)).compile();
  const slots = compiled.parameters.map((parameter) => {
    const slot = markers.indexOf(parameter as string);
    if (slot === -1 && typeof parameter === 'string' && parameter.includes(MARK))
      throw new Error(`prepare: a value was changed before it reached the query: ${compiled.sql}`);
    return slot;
  });
  markers.forEach((_, i) => {
    if (!slots.includes(i)) throw new Error(`prepare: value ${i} is not a parameter of: ${compiled.sql}`);
  });
  const constants = compiled.parameters;
  return async (...values) => {
    const query = { ...compiled, parameters: slots.map((slot, i) => (slot === -1 ? constants[i] : values[slot])) };
    return ((await runNow?.(query)) as QueryResult<Row> | undefined) ?? db.executeQuery<Row>(query);
  };
}

/**
 * Runs a compiled query on the database's own terms (see `prepare`), or
 * answers undefined (at once or later) when the query must wait for Kysely's
 * connection instead.
 */
export type RunNow = (
  query: CompiledQuery,
) => QueryResult<unknown> | Promise<QueryResult<unknown> | undefined> | undefined;
