import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations';
import { type AccountRecord, accountFromRecord, type FlowRecord, flowFromRecord, newId } from './rows';
import type { AccountRow, Store } from './store';
import {
  IDLE_INSTALL_MS,
  INTERRUPT_FLOWS_SQL,
  STUCK_COMPLETION_MS,
  SWEEP_FLOWS_SQL,
  SWEEP_INSTALLS_SQL,
} from './sweep';

// SQLite takes ? placeholders, in order.
const SWEEP_FLOWS_SQLITE = SWEEP_FLOWS_SQL.replace('$1', '?').replace('$2', '?');
const SWEEP_INSTALLS_SQLITE = SWEEP_INSTALLS_SQL.replace('$1', '?');

/**
 * The embedded default: one SQLite file in WAL mode (readers do not block the
 * writer; a crash loses no committed transaction). better-sqlite3 is
 * synchronous, which suits SQLite: every method is one statement or one
 * transaction, done before the promise is returned.
 */
export function openSqliteStore(path: string): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');

  // Prepared once per SQL text: preparing parses the SQL, which costs more than running it.
  const prepared = new Map<string, Database.Statement>();
  const statement = <T = unknown>(sql: string) => {
    let found = prepared.get(sql);
    if (!found) {
      found = db.prepare(sql);
      prepared.set(sql, found);
    }
    return found as Database.Statement<unknown[], T>;
  };
  const findAccountByKey = () =>
    statement<AccountRecord>('SELECT * FROM accounts WHERE provider = ? AND user_id = ? AND install_id = ?');

  return {
    kind: 'sqlite',

    async migrate() {
      db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)');
      const applied = new Set(
        statement<{ version: number }>('SELECT version FROM schema_migrations')
          .all()
          .map((r) => r.version),
      );
      for (const migration of MIGRATIONS) {
        if (applied.has(migration.version)) continue;
        db.transaction(() => {
          for (const sql of migration.statements) db.exec(sql);
          statement('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(
            migration.version,
            Date.now(),
          );
        })();
      }
    },

    async ping() {
      statement('SELECT 1').get();
    },

    async close() {
      db.close();
    },

    async rememberProofId(key, expiresAtSeconds) {
      const result = statement(
        'INSERT INTO proof_ids (key, expires_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING',
      ).run(key, expiresAtSeconds * 1000);
      return result.changes === 1;
    },

    async sweep(now) {
      db.transaction(() => {
        statement('DELETE FROM proof_ids WHERE expires_at < ?').run(now);
        statement(SWEEP_FLOWS_SQLITE).run(now, now - STUCK_COMPLETION_MS);
        statement('DELETE FROM rate_windows WHERE reset_at < ?').run(now);
        statement(SWEEP_INSTALLS_SQLITE).run(now - IDLE_INSTALL_MS);
      })();
    },

    async touchInstall(installId, now) {
      statement(
        'INSERT INTO installs (id, created_at, last_seen_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET last_seen_at = excluded.last_seen_at',
      ).run(installId, now, now);
    },

    async deleteInstall(installId) {
      return db.transaction(() => {
        const accounts = statement<AccountRecord>('SELECT * FROM accounts WHERE install_id = ?').all(installId);
        statement('DELETE FROM accounts WHERE install_id = ?').run(installId);
        statement('DELETE FROM flows WHERE install_id = ?').run(installId);
        statement('DELETE FROM installs WHERE id = ?').run(installId);
        return accounts.map(accountFromRecord);
      })();
    },

    async insertFlow(flow) {
      statement(
        `INSERT INTO flows (id, install_id, provider, mode, request_token, request_secret, callback_url, created_at, expires_at, state, access, account_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
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
      );
    },

    async findFlow(flowId) {
      const record = statement<FlowRecord>('SELECT * FROM flows WHERE id = ?').get(flowId);
      return record && flowFromRecord(record);
    },

    async claimFlow(flowId, installId, now) {
      const result = statement(
        "UPDATE flows SET state = 'completing', claimed_at = ? WHERE id = ? AND install_id = ? AND state = 'pending' AND expires_at > ?",
      ).run(now, flowId, installId, now);
      return result.changes === 1;
    },

    async interruptStrandedFlows(claimedBefore) {
      return statement(INTERRUPT_FLOWS_SQL.replace('$1', '?')).run(claimedBefore).changes;
    },

    async releaseFlow(flowId) {
      statement("UPDATE flows SET state = 'pending' WHERE id = ? AND state = 'completing'").run(flowId);
    },

    async deleteFlow(flowId) {
      statement('DELETE FROM flows WHERE id = ?').run(flowId);
    },

    async completeFlowWithAccount(flowId, key, { screenName, expiresAt }, seal, now) {
      return db.transaction((): AccountRow | undefined => {
        // The account keeps the access its flow asked for.
        const claimed = statement<{ access: string | null }>(
          "DELETE FROM flows WHERE id = ? AND state = 'completing' RETURNING access",
        ).get(flowId);
        if (!claimed) return undefined;
        const existing = findAccountByKey().get(key.provider, key.userId, key.installId);
        const id = existing?.id ?? newId();
        const sealed = seal(id);
        if (existing) {
          statement(
            "UPDATE accounts SET screen_name = ?, token = ?, token_secret = ?, status = 'active', access = ?, expires_at = ? WHERE id = ?",
          ).run(screenName, sealed.token, sealed.tokenSecret, claimed.access, expiresAt, id);
        } else {
          statement(
            `INSERT INTO accounts (id, install_id, provider, user_id, screen_name, token, token_secret, status, created_at, last_used_at, access, expires_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, NULL, ?, ?)`,
          ).run(
            id,
            key.installId,
            key.provider,
            key.userId,
            screenName,
            sealed.token,
            sealed.tokenSecret,
            now,
            claimed.access,
            expiresAt,
          );
        }
        statement('DELETE FROM flows WHERE id = ?').run(flowId);
        return accountFromRecord(
          statement<AccountRecord>('SELECT * FROM accounts WHERE id = ?').get(id) as AccountRecord,
        );
      })();
    },

    async listAccounts(installId) {
      return statement<AccountRecord>('SELECT * FROM accounts WHERE install_id = ? ORDER BY created_at, id')
        .all(installId)
        .map(accountFromRecord);
    },

    async findAccount(accountId, installId) {
      const record = statement<AccountRecord>('SELECT * FROM accounts WHERE id = ? AND install_id = ?').get(
        accountId,
        installId,
      );
      return record && accountFromRecord(record);
    },

    async markAccountUsed(accountId, now) {
      statement('UPDATE accounts SET last_used_at = ? WHERE id = ?').run(now, accountId);
    },

    async setAccountStatus(accountId, status) {
      statement('UPDATE accounts SET status = ? WHERE id = ?').run(status, accountId);
    },

    async deleteAccount(accountId, installId) {
      return statement('DELETE FROM accounts WHERE id = ? AND install_id = ?').run(accountId, installId).changes === 1;
    },

    async hit(key, windowMs, now) {
      const row = statement<{ count: number; reset_at: number }>(
        `INSERT INTO rate_windows (key, count, reset_at) VALUES (?, 1, ?)
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN rate_windows.reset_at <= ? THEN 1 ELSE rate_windows.count + 1 END,
           reset_at = CASE WHEN rate_windows.reset_at <= ? THEN excluded.reset_at ELSE rate_windows.reset_at END
         RETURNING count, reset_at`,
      ).get(key, now + windowMs, now, now) as { count: number; reset_at: number };
      return { count: row.count, resetAt: Number(row.reset_at) };
    },

    async sealedAccountSecrets() {
      return statement<{ id: string; install_id: string; token: string; token_secret: string }>(
        'SELECT id, install_id, token, token_secret FROM accounts',
      )
        .all()
        .map((r) => ({ id: r.id, installId: r.install_id, token: r.token, tokenSecret: r.token_secret }));
    },

    async replaceSealedAccountSecrets(secrets, expected) {
      const result = statement(
        'UPDATE accounts SET token = ?, token_secret = ? WHERE id = ? AND token = ? AND token_secret = ?',
      ).run(secrets.token, secrets.tokenSecret, secrets.id, expected.token, expected.tokenSecret);
      return result.changes === 1;
    },
  };
}
