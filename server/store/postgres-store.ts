import pg from 'pg';
import { MIGRATIONS } from './migrations';
import { type AccountRecord, accountFromRecord, type FlowRecord, flowFromRecord, newId } from './rows';
import type { Store } from './store';
import {
  IDLE_INSTALL_MS,
  INTERRUPT_FLOWS_SQL,
  STUCK_COMPLETION_MS,
  SWEEP_FLOWS_SQL,
  SWEEP_INSTALLS_SQL,
} from './sweep';

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
  // An idle connection the server drops (a restart, a failover, pg_terminate_backend) is an
  // 'error' on the pool, which would end the process unheard. The pool has already let that
  // connection go and opens a new one for the next query; queries it cut off fail, and are
  // answered and logged where they were asked.
  pool.on('error', () => undefined);
  const query = async <T extends pg.QueryResultRow>(sql: string, values: unknown[] = []) =>
    (await pool.query<T>(sql, values)).rows;

  /**
   * A pooled client for several statements. A connection lost meanwhile is an 'error' on the
   * client besides the failed statement, heard here for the same reason; the client is then
   * closed rather than given back.
   */
  async function withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let lost: Error | undefined;
    const onError = (error: Error) => {
      lost = error;
    };
    client.on('error', onError);
    try {
      return await work(client);
    } finally {
      // Given back, the pool hears the client's errors again (as the pool's).
      client.off('error', onError);
      client.release(lost);
    }
  }

  function transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return withClient(async (client) => {
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  return {
    kind: 'postgres',

    async migrate() {
      await withClient(async (client) => {
        try {
          // Instances starting together take turns; the second finds the work done.
          await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
          await client.query(
            'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
          );
          const applied = new Set(
            (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
              (r) => r.version,
            ),
          );
          for (const migration of MIGRATIONS) {
            if (applied.has(migration.version)) continue;
            await client.query('BEGIN');
            try {
              for (const sql of migration.statements) await client.query(sql);
              await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
                migration.version,
                Date.now(),
              ]);
              await client.query('COMMIT');
            } catch (error) {
              await client.query('ROLLBACK');
              throw error;
            }
          }
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
        }
      });
    },

    async ping() {
      await query('SELECT 1');
    },

    async close() {
      await pool.end();
    },

    async rememberProofId(key, expiresAtSeconds) {
      const rows = await query(
        'INSERT INTO proof_ids (key, expires_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING key',
        [key, expiresAtSeconds * 1000],
      );
      return rows.length === 1;
    },

    async sweep(now) {
      await query('DELETE FROM proof_ids WHERE expires_at < $1', [now]);
      await query(SWEEP_FLOWS_SQL, [now, now - STUCK_COMPLETION_MS]);
      await query('DELETE FROM rate_windows WHERE reset_at < $1', [now]);
      await query(SWEEP_INSTALLS_SQL, [now - IDLE_INSTALL_MS]);
    },

    async touchInstall(installId, now) {
      await query(
        'INSERT INTO installs (id, created_at, last_seen_at) VALUES ($1, $2, $2) ON CONFLICT (id) DO UPDATE SET last_seen_at = excluded.last_seen_at',
        [installId, now],
      );
    },

    async deleteInstall(installId) {
      return transaction(async (client) => {
        const accounts = (
          await client.query<AccountRecord>('DELETE FROM accounts WHERE install_id = $1 RETURNING *', [installId])
        ).rows;
        await client.query('DELETE FROM flows WHERE install_id = $1', [installId]);
        await client.query('DELETE FROM installs WHERE id = $1', [installId]);
        return accounts.map(accountFromRecord);
      });
    },

    async insertFlow(flow) {
      await query(
        `INSERT INTO flows (id, install_id, provider, mode, request_token, request_secret, callback_url, created_at, expires_at, state, access, account_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          flow.id,
          flow.installId,
          flow.provider,
          flow.mode,
          flow.requestToken,
          flow.requestSecret,
          flow.callbackUrl,
          flow.createdAt,
          flow.expiresAt,
          flow.state,
          flow.access,
          flow.accountId,
        ],
      );
    },

    async findFlow(flowId) {
      const [record] = await query<FlowRecord>('SELECT * FROM flows WHERE id = $1', [flowId]);
      return record && flowFromRecord(record);
    },

    async claimFlow(flowId, installId, now) {
      const rows = await query(
        "UPDATE flows SET state = 'completing', claimed_at = $3 WHERE id = $1 AND install_id = $2 AND state = 'pending' AND expires_at > $3 RETURNING id",
        [flowId, installId, now],
      );
      return rows.length === 1;
    },

    async interruptStrandedFlows(claimedBefore) {
      return (await query<{ id: string }>(`${INTERRUPT_FLOWS_SQL} RETURNING id`, [claimedBefore])).length;
    },

    async releaseFlow(flowId) {
      await query("UPDATE flows SET state = 'pending' WHERE id = $1 AND state = 'completing'", [flowId]);
    },

    async deleteFlow(flowId) {
      await query('DELETE FROM flows WHERE id = $1', [flowId]);
    },

    async completeFlowWithAccount(flowId, key, { screenName, expiresAt }, seal, now) {
      return transaction(async (client) => {
        // The account keeps the access its flow asked for.
        const claimed = await client.query<{ access: string | null }>(
          "DELETE FROM flows WHERE id = $1 AND state = 'completing' RETURNING access",
          [flowId],
        );
        if (claimed.rowCount !== 1) return undefined;
        const access = claimed.rows[0]?.access ?? null;
        // Serialises completions for the same user and install, also when no
        // account exists yet (FOR UPDATE would then lock nothing).
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
          `${key.provider}\n${key.userId}\n${key.installId}`,
        ]);
        const [existing] = (
          await client.query<AccountRecord>(
            'SELECT * FROM accounts WHERE provider = $1 AND user_id = $2 AND install_id = $3',
            [key.provider, key.userId, key.installId],
          )
        ).rows;
        const id = existing?.id ?? newId();
        const sealed = seal(id);
        const [record] = existing
          ? (
              await client.query<AccountRecord>(
                "UPDATE accounts SET screen_name = $1, token = $2, token_secret = $3, status = 'active', access = $4, expires_at = $5 WHERE id = $6 RETURNING *",
                [screenName, sealed.token, sealed.tokenSecret, access, expiresAt, id],
              )
            ).rows
          : (
              await client.query<AccountRecord>(
                `INSERT INTO accounts (id, install_id, provider, user_id, screen_name, token, token_secret, status, created_at, last_used_at, access, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, NULL, $9, $10) RETURNING *`,
                [
                  id,
                  key.installId,
                  key.provider,
                  key.userId,
                  screenName,
                  sealed.token,
                  sealed.tokenSecret,
                  now,
                  access,
                  expiresAt,
                ],
              )
            ).rows;
        return accountFromRecord(record as AccountRecord);
      });
    },

    async listAccounts(installId) {
      return (
        await query<AccountRecord>('SELECT * FROM accounts WHERE install_id = $1 ORDER BY created_at, id', [installId])
      ).map(accountFromRecord);
    },

    async findAccount(accountId, installId) {
      const [record] = await query<AccountRecord>('SELECT * FROM accounts WHERE id = $1 AND install_id = $2', [
        accountId,
        installId,
      ]);
      return record && accountFromRecord(record);
    },

    async markAccountUsed(accountId, now) {
      await query('UPDATE accounts SET last_used_at = $1 WHERE id = $2', [now, accountId]);
    },

    async setAccountStatus(accountId, status) {
      await query('UPDATE accounts SET status = $1 WHERE id = $2', [status, accountId]);
    },

    async deleteAccount(accountId, installId) {
      const rows = await query('DELETE FROM accounts WHERE id = $1 AND install_id = $2 RETURNING id', [
        accountId,
        installId,
      ]);
      return rows.length === 1;
    },

    async hit(key, windowMs, now) {
      const [row] = await query<{ count: number; reset_at: string }>(
        `INSERT INTO rate_windows (key, count, reset_at) VALUES ($1, 1, $2)
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN rate_windows.reset_at <= $3 THEN 1 ELSE rate_windows.count + 1 END,
           reset_at = CASE WHEN rate_windows.reset_at <= $3 THEN excluded.reset_at ELSE rate_windows.reset_at END
         RETURNING count, reset_at`,
        [key, now + windowMs, now],
      );
      return { count: Number(row?.count), resetAt: Number(row?.reset_at) };
    },

    async sealedAccountSecrets() {
      return (
        await query<{ id: string; install_id: string; token: string; token_secret: string }>(
          'SELECT id, install_id, token, token_secret FROM accounts',
        )
      ).map((r) => ({ id: r.id, installId: r.install_id, token: r.token, tokenSecret: r.token_secret }));
    },

    async replaceSealedAccountSecrets(secrets, expected) {
      const rows = await query(
        'UPDATE accounts SET token = $1, token_secret = $2 WHERE id = $3 AND token = $4 AND token_secret = $5 RETURNING id',
        [secrets.token, secrets.tokenSecret, secrets.id, expected.token, expected.tokenSecret],
      );
      return rows.length === 1;
    },
  };
}
