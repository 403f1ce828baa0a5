/**
 * PostgreSQL can drop a connection: a restart, a failover, an administrator's
 * pg_terminate_backend, a network blip. pg then emits 'error' (on the pool for an idle
 * connection, on the client for one checked out for a transaction), and with nobody listening
 * Node ends the process: the reliability run (tests/reliability/postgres-restart.ts) saw the
 * companion on a restarted PostgreSQL exit with "Connection terminated unexpectedly". The store
 * must instead fail what was cut off, drop that connection, and open a new one for what follows.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openPostgresStore } from '../../../server/store/postgres-store';
import { isPostgresUnavailable } from '../../../server/store/postgres-unavailable';
import type { AccountKey, Store } from '../../../server/store/store';
import { freePort } from '../../support/free-port';
import { freshDatabase } from '../../support/fresh-database';

const NOW = 1_700_000_000_000;

let url: string;
let store: Store;
let admin: pg.Client;

beforeAll(async () => {
  url = await freshDatabase(inject('postgresUrl'));
  store = openPostgresStore(url);
  await store.migrate();
  // In the store's database: advisory locks are per database.
  admin = new pg.Client({ connectionString: url });
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

  it('fails a transaction whose connection is cut, and completes it on a new one', async () => {
    await store.insertFlow({
      id: 'flow-cut',
      installId: 'install-a',
      provider: 'x',
      mode: 'callback',
      requestToken: 'rt',
      requestSecret: 'v1.k1.sealed',
      callbackUrl: 'https://companion.example/oauth/callback',
      createdAt: NOW,
      expiresAt: NOW + 600_000,
      state: 'pending',
      claimedAt: null,
      access: null,
      accountId: null,
    });
    expect(await store.claimFlow('flow-cut', 'install-a', NOW)).toBe(true);
    const key: AccountKey = { installId: 'install-a', provider: 'x', userId: '1001' };
    const complete = () =>
      store.completeFlowWithAccount(
        'flow-cut',
        key,
        { screenName: 'alice', expiresAt: null },
        (id) => ({ token: `t-${id}`, tokenSecret: `s-${id}` }),
        NOW,
      );
    // The transaction waits on the lock that serialises completions for this user, held here, …
    const lock = `${key.provider}\n${key.userId}\n${key.installId}`;
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [lock]);
    const cut = complete();
    cut.catch(() => undefined);
    let waiting: { pid: number }[] = [];
    while (waiting.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      waiting = (
        await admin.query<{ pid: number }>(
          "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'",
          [new URL(url).pathname.slice(1)],
        )
      ).rows;
    }
    // … while its connection is cut.
    await admin.query('SELECT pg_terminate_backend($1)', [waiting[0]?.pid]);
    const cutError = await cut.catch((error: unknown) => error);
    expect(cutError).toBeInstanceOf(Error);
    // 57P01 admin_shutdown, or pg's "Connection terminated": the database was away, not the statement wrong.
    expect(store.isUnavailable(cutError)).toBe(true);
    await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [lock]);

    // Rolled back: the flow is still completing, and completes now.
    expect((await store.findFlow('flow-cut'))?.state).toBe('completing');
    expect(await complete()).toMatchObject({ installId: 'install-a', userId: '1001', screenName: 'alice' });
    expect(await store.findFlow('flow-cut')).toBeUndefined();
  });
});

describe('which failures mean the database cannot be reached (store_unavailable)', () => {
  it('a server nobody listens for: connection refused', async () => {
    const nowhere = openPostgresStore(`postgres://postgres@127.0.0.1:${await freePort()}/none`);
    try {
      const error = await nowhere.ping().catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(Error);
      expect(nowhere.isUnavailable(error)).toBe(true);
    } finally {
      await nowhere.close();
    }
  });

  it('a statement the server refuses is not: division by zero, a unique violation, a missing table', async () => {
    for (const statement of [
      'SELECT 1 / 0',
      'CREATE TEMP TABLE once (id int PRIMARY KEY); INSERT INTO once VALUES (1), (1)',
      'SELECT * FROM no_such_table',
    ]) {
      const error = await admin.query(statement).catch((thrown: unknown) => thrown);
      expect(error, statement).toBeInstanceOf(Error);
      expect(isPostgresUnavailable(error), statement).toBe(false);
    }
    expect(isPostgresUnavailable('ECONNREFUSED')).toBe(false);
    expect(isPostgresUnavailable(undefined)).toBe(false);
  });
});
