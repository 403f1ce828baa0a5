/**
 * PostgreSQL can drop a connection the pool holds idle: a restart, a failover, an
 * administrator's pg_terminate_backend, a network blip. pg's pool then emits 'error', and with
 * nobody listening Node ends the process: the reliability run (tests/reliability/postgres-restart.ts)
 * saw every companion on a restarted PostgreSQL exit with "Connection terminated unexpectedly".
 * The store must instead let the pool drop that connection and open a new one on the next query.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openPostgresStore } from '../../../server/store/postgres-store';
import type { Store } from '../../../server/store/store';
import { freshDatabase } from '../../support/fresh-database';

let url: string;
let store: Store;
let admin: pg.Client;

beforeAll(async () => {
  url = await freshDatabase(inject('postgresUrl'));
  store = openPostgresStore(url);
  await store.migrate();
  admin = new pg.Client({ connectionString: inject('postgresUrl') });
  await admin.connect();
});

afterAll(async () => {
  await store?.close();
  await admin?.end();
});

describe('the PostgreSQL store when the server drops its idle connections', () => {
  it('survives, and serves the next query on a new connection', async () => {
    // Several connections, all idle once these answer.
    await Promise.all(Array.from({ length: 4 }, () => store.ping()));
    const { rows } = await admin.query<{ pid: number }>(
      'SELECT pg_terminate_backend(pid) AS pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [new URL(url).pathname.slice(1)],
    );
    expect(rows.length).toBeGreaterThan(0);
    // Time for the pool to hear of it (the error event that used to end the process).
    await new Promise((resolve) => setTimeout(resolve, 200));

    await store.ping();
    expect(await store.hit('after-loss', 60_000, Date.now())).toMatchObject({ count: 1 });
  });
});
