import { type Kysely, sql, type Transaction } from 'kysely';
import { MIGRATIONS, statementsOf } from './migrations';
import { prepare, type RunNow } from './prepared';
import { accountFromRecord, type Database, flowFromRecord, newId } from './rows';
import type { AccountKey, AccountRow, Store } from './store';

/** A flow stuck in `completing` (its companion died mid-exchange) is dropped this long after its expiry. */
export const STUCK_COMPLETION_MS = 5 * 60 * 1000;
/** An install that only ever proved its key, with no flow or account, is forgotten after a day. */
export const IDLE_INSTALL_MS = 24 * 60 * 60 * 1000;

/**
 * What the two databases do differently, each in one named place; every
 * query is stated once, in `createStore`, and Kysely writes it in the
 * database's own SQL. Both speak `ON CONFLICT` upserts and `RETURNING`
 * (SQLite since 3.35); all times are the companion's, passed as numbers.
 */
export interface StoreDialect {
  readonly kind: Store['kind'];
  /** See Store.isUnavailable. */
  isUnavailable(error: unknown): boolean;
  /**
   * Keeps other instances' migrations waiting, on the connection that
   * migrates, until the returned release. PostgreSQL: an advisory lock.
   */
  lockMigrations(connection: Kysely<Database>): Promise<() => Promise<void>>;
  /**
   * Inside a completion's transaction: serialises completions for the same
   * user and install, also before the account exists (a row lock would lock
   * nothing then).
   */
  lockAccountKey(transaction: Transaction<Database>, key: AccountKey): Promise<void>;
  /** Closes what Kysely does not (the database or pool, when no query ever ran). */
  close(): Promise<void>;
  /**
   * Runs a per-call statement at once, without Kysely's connection queue
   * (see `prepare`): SQLite's, whose connection is in the process.
   */
  readonly runNow?: RunNow;
}

const affected = (count: bigint | undefined) => Number(count ?? 0n);

/** The store over a Kysely instance of either database. */
export function createStore(db: Kysely<Database>, dialect: StoreDialect): Store {
  // The statements of every proxied call, compiled once (see prepare); the others run once or a few
  // times per flow or per account, and are built when they run.
  const perCall = {
    rememberProofId: prepare(
      db,
      (key: string, expiresAt: number) =>
        db
          .insertInto('proof_ids')
          .values({ key, expires_at: expiresAt })
          .onConflict((conflict) => conflict.column('key').doNothing()),
      dialect.runNow,
    ),
    // A window that has run out starts again at one.
    hit: prepare(
      db,
      (key: string, resetAt: number, now: number) =>
        db
          .insertInto('rate_windows')
          .values({ key, count: 1, reset_at: resetAt })
          .onConflict((conflict) =>
            conflict.column('key').doUpdateSet((eb) => {
              const over = eb('rate_windows.reset_at', '<=', now);
              return {
                count: eb
                  .case()
                  .when(over)
                  .then(1)
                  .else(eb('rate_windows.count', '+', 1))
                  .end(),
                reset_at: eb
                  .case()
                  .when(over)
                  .then(eb.ref('excluded.reset_at'))
                  .else(eb.ref('rate_windows.reset_at'))
                  .end(),
              };
            }),
          )
          .returning(['count', 'reset_at']),
      dialect.runNow,
    ),
    findAccount: prepare(
      db,
      (accountId: string, installId: string) =>
        db.selectFrom('accounts').selectAll().where('id', '=', accountId).where('install_id', '=', installId),
      dialect.runNow,
    ),
    markAccountUsed: prepare(
      db,
      (accountId: string, now: number) =>
        db.updateTable('accounts').set({ last_used_at: now }).where('id', '=', accountId),
      dialect.runNow,
    ),
  };

  return {
    kind: dialect.kind,
    isUnavailable: (error) => dialect.isUnavailable(error),

    async migrate() {
      await db.connection().execute(async (connection) => {
        const release = await dialect.lockMigrations(connection);
        try {
          await connection.schema
            .createTable('schema_migrations')
            .ifNotExists()
            .addColumn('version', 'integer', (column) => column.primaryKey())
            .addColumn('applied_at', 'bigint', (column) => column.notNull())
            .execute();
          const applied = new Set(
            (await connection.selectFrom('schema_migrations').select('version').execute()).map((r) => r.version),
          );
          for (const migration of MIGRATIONS) {
            if (applied.has(migration.version)) continue;
            await connection.transaction().execute(async (trx) => {
              for (const statement of statementsOf(migration, dialect.kind)) await sql.raw(statement).execute(trx);
              await trx
                .insertInto('schema_migrations')
                .values({ version: migration.version, applied_at: Date.now() })
                .execute();
            });
          }
        } finally {
          await release().catch(() => undefined);
        }
      });
    },

    async ping() {
      await sql`SELECT 1`.execute(db);
    },

    async close() {
      await db.destroy();
      await dialect.close();
    },

    async rememberProofId(key, expiresAtSeconds) {
      const result = await perCall.rememberProofId(key, expiresAtSeconds * 1000);
      return affected(result.numAffectedRows) === 1;
    },

    async sweep(now) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('proof_ids').where('expires_at', '<', now).execute();
        await trx
          .deleteFrom('flows')
          .where((eb) =>
            eb.or([
              eb.and([eb('state', 'in', ['pending', 'interrupted']), eb('expires_at', '<', now)]),
              eb.and([eb('state', '=', 'completing'), eb('expires_at', '<', now - STUCK_COMPLETION_MS)]),
            ]),
          )
          .execute();
        await trx.deleteFrom('rate_windows').where('reset_at', '<', now).execute();
        await trx
          .deleteFrom('installs')
          .where('last_seen_at', '<', now - IDLE_INSTALL_MS)
          .where((eb) =>
            eb.not(
              eb.exists(
                eb
                  .selectFrom('accounts')
                  .select(eb.lit(1).as('one'))
                  .whereRef('accounts.install_id', '=', 'installs.id'),
              ),
            ),
          )
          .where((eb) =>
            eb.not(
              eb.exists(
                eb.selectFrom('flows').select(eb.lit(1).as('one')).whereRef('flows.install_id', '=', 'installs.id'),
              ),
            ),
          )
          .execute();
      });
    },

    async touchInstall(installId, now) {
      await db
        .insertInto('installs')
        .values({ id: installId, created_at: now, last_seen_at: now })
        .onConflict((conflict) =>
          conflict.column('id').doUpdateSet((eb) => ({ last_seen_at: eb.ref('excluded.last_seen_at') })),
        )
        .execute();
    },

    async deleteInstall(installId) {
      return db.transaction().execute(async (trx) => {
        const accounts = await trx.deleteFrom('accounts').where('install_id', '=', installId).returningAll().execute();
        await trx.deleteFrom('flows').where('install_id', '=', installId).execute();
        await trx.deleteFrom('installs').where('id', '=', installId).execute();
        return accounts.map(accountFromRecord);
      });
    },

    async insertFlow(flow) {
      await db
        .insertInto('flows')
        .values({
          id: flow.id,
          install_id: flow.installId,
          provider: flow.provider,
          mode: flow.mode,
          request_token: flow.requestToken,
          request_secret: flow.requestSecret,
          callback_url: flow.callbackUrl,
          created_at: flow.createdAt,
          expires_at: flow.expiresAt,
          state: flow.state,
          access: flow.access,
          account_id: flow.accountId,
        })
        .execute();
    },

    async findFlow(flowId) {
      const record = await db.selectFrom('flows').selectAll().where('id', '=', flowId).executeTakeFirst();
      return record && flowFromRecord(record);
    },

    async claimFlow(flowId, installId, now) {
      const result = await db
        .updateTable('flows')
        .set({ state: 'completing', claimed_at: now })
        .where('id', '=', flowId)
        .where('install_id', '=', installId)
        .where('state', '=', 'pending')
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return affected(result.numUpdatedRows) === 1;
    },

    async interruptStrandedFlows(claimedBefore) {
      // Flows whose completion a crash cut off (the process died between the provider's token and the
      // account's commit) end as `interrupted`, answered `flow_interrupted` instead of lingering.
      const result = await db
        .updateTable('flows')
        .set({ state: 'interrupted' })
        .where('state', '=', 'completing')
        .where((eb) => eb.or([eb('claimed_at', 'is', null), eb('claimed_at', '<', claimedBefore)]))
        .executeTakeFirst();
      return affected(result.numUpdatedRows);
    },

    async releaseFlow(flowId) {
      await db
        .updateTable('flows')
        .set({ state: 'pending' })
        .where('id', '=', flowId)
        .where('state', '=', 'completing')
        .execute();
    },

    async deleteFlow(flowId) {
      await db.deleteFrom('flows').where('id', '=', flowId).execute();
    },

    async completeFlowWithAccount(flowId, key, { screenName, expiresAt }, seal, now) {
      return db.transaction().execute(async (trx): Promise<AccountRow | undefined> => {
        // The account keeps the access its flow asked for.
        const claimed = await trx
          .deleteFrom('flows')
          .where('id', '=', flowId)
          .where('state', '=', 'completing')
          .returning('access')
          .executeTakeFirst();
        if (!claimed) return undefined;
        await dialect.lockAccountKey(trx, key);
        const existing = await trx
          .selectFrom('accounts')
          .select('id')
          .where('provider', '=', key.provider)
          .where('user_id', '=', key.userId)
          .where('install_id', '=', key.installId)
          .executeTakeFirst();
        const id = existing?.id ?? newId();
        const sealed = seal(id);
        const record = existing
          ? await trx
              .updateTable('accounts')
              .set({
                screen_name: screenName,
                token: sealed.token,
                token_secret: sealed.tokenSecret,
                status: 'active',
                access: claimed.access,
                expires_at: expiresAt,
              })
              .where('id', '=', id)
              .returningAll()
              .executeTakeFirstOrThrow()
          : await trx
              .insertInto('accounts')
              .values({
                id,
                install_id: key.installId,
                provider: key.provider,
                user_id: key.userId,
                screen_name: screenName,
                token: sealed.token,
                token_secret: sealed.tokenSecret,
                status: 'active',
                created_at: now,
                last_used_at: null,
                access: claimed.access,
                expires_at: expiresAt,
              })
              .returningAll()
              .executeTakeFirstOrThrow();
        return accountFromRecord(record);
      });
    },

    async listAccounts(installId) {
      const records = await db
        .selectFrom('accounts')
        .selectAll()
        .where('install_id', '=', installId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return records.map(accountFromRecord);
    },

    async findAccount(accountId, installId) {
      const [record] = (await perCall.findAccount(accountId, installId)).rows;
      return record && accountFromRecord(record);
    },

    async markAccountUsed(accountId, now) {
      await perCall.markAccountUsed(accountId, now);
    },

    async setAccountStatus(accountId, status) {
      await db.updateTable('accounts').set({ status }).where('id', '=', accountId).execute();
    },

    async deleteAccount(accountId, installId) {
      const result = await db
        .deleteFrom('accounts')
        .where('id', '=', accountId)
        .where('install_id', '=', installId)
        .executeTakeFirst();
      return affected(result.numDeletedRows) === 1;
    },

    async hit(key, windowMs, now) {
      const [row] = (await perCall.hit(key, now + windowMs, now)).rows;
      if (!row) throw new Error('the rate window upsert returned no row');
      return { count: Number(row.count), resetAt: Number(row.reset_at) };
    },

    async sealedAccountSecrets() {
      const records = await db.selectFrom('accounts').select(['id', 'install_id', 'token', 'token_secret']).execute();
      return records.map((r) => ({ id: r.id, installId: r.install_id, token: r.token, tokenSecret: r.token_secret }));
    },

    async replaceSealedAccountSecrets(secrets, expected) {
      const result = await db
        .updateTable('accounts')
        .set({ token: secrets.token, token_secret: secrets.tokenSecret })
        .where('id', '=', secrets.id)
        .where('token', '=', expected.token)
        .where('token_secret', '=', expected.tokenSecret)
        .executeTakeFirst();
      return affected(result.numUpdatedRows) === 1;
    },
  };
}
