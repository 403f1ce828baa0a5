import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { isPostgresUnavailable } from './postgres-unavailable';
import { createStore } from './queries';
import type { Database } from './rows';
import type { Store } from './store';

/** Any number: it only has to be the same for every companion instance. */
const MIGRATION_LOCK = 7_236_151;

/**
 * PostgreSQL, for several companion instances behind a load balancer. Every
 * method is one statement, or one transaction on one pooled client, so that
 * instances share all state (flows, accounts, the proof replay cache, rate
 * windows) and none is kept in a process.
 */
export function openPostgresStore(connectionString: string, poolSize = 10): Store {
  const pool = new pg.Pool({ connectionString, max: poolSize });
  // A connection the server drops (a restart, a failover, pg_terminate_backend) is an 'error'
  // event, which would end the process unheard: on the pool while the connection is idle, on
  // the client while Kysely holds it for a query or a transaction. Both are heard here. The
  // statements it cut off fail, and are answered and logged where they were asked; the pool lets
  // that connection go (a client that is no longer queryable is not reused; a failed rollback
  // discards it) and opens a new one for the next query.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });

  return createStore(db, {
    kind: 'postgres',
    isUnavailable: isPostgresUnavailable,
    async lockMigrations(connection) {
      // Instances starting together take turns; the second finds the work done.
      await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK})`.execute(connection);
      return async () => {
        await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`.execute(connection);
      };
    },
    async lockAccountKey(transaction, key) {
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`${key.provider}\n${key.userId}\n${key.installId}`}))`.execute(
        transaction,
      );
    },
    async close() {
      if (!pool.ending) await pool.end();
    },
  });
}
