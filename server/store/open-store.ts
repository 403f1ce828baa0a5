import { openPostgresStore } from './postgres-store';
import { openSqliteStore } from './sqlite-store';
import type { Store } from './store';

/**
 * DATABASE_URL → a store: `sqlite:./data/companion.db` (or `sqlite::memory:`)
 * for the embedded default, `postgres://…` / `postgresql://…` for PostgreSQL.
 */
export function openStore(databaseUrl: string): Store {
  if (databaseUrl.startsWith('sqlite:')) return openSqliteStore(databaseUrl.slice('sqlite:'.length) || ':memory:');
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return openPostgresStore(databaseUrl);
  throw new Error(`DATABASE_URL must start with sqlite: or postgres://, not ${databaseUrl.split(':')[0]}:`);
}
