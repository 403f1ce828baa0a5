import { randomBytes } from 'node:crypto';
import type { ColumnType, Selectable } from 'kysely';
import type { AccessLevel, FlowMode } from '../../lib/protocol';
import type { AccountRow, AccountStatus, FlowRow } from './store';

/**
 * BIGINT milliseconds: written as numbers; read as numbers (SQLite) or as
 * strings (pg returns BIGINTs as strings), turned into numbers below.
 */
type Millis = ColumnType<number | string, number, number>;
type MaybeMillis = ColumnType<number | string | null, number | null, number | null>;

export interface FlowsTable {
  id: string;
  install_id: string;
  provider: string;
  mode: FlowMode;
  request_token: string;
  request_secret: string;
  callback_url: string | null;
  created_at: Millis;
  expires_at: Millis;
  state: FlowRow['state'];
  access: string | null;
  account_id: string | null;
  claimed_at: MaybeMillis;
}

export interface AccountsTable {
  id: string;
  install_id: string;
  provider: string;
  user_id: string;
  screen_name: string;
  token: string;
  token_secret: string;
  status: AccountStatus;
  created_at: Millis;
  last_used_at: MaybeMillis;
  access: string | null;
  expires_at: MaybeMillis;
}

/** The tables of migrations.ts, as both databases name them, for the typed queries of queries.ts. */
export interface Database {
  schema_migrations: { version: number; applied_at: Millis };
  installs: { id: string; created_at: Millis; last_seen_at: Millis };
  proof_ids: { key: string; expires_at: Millis };
  flows: FlowsTable;
  accounts: AccountsTable;
  rate_windows: { key: string; count: number; reset_at: Millis };
}

export type FlowRecord = Selectable<FlowsTable>;
export type AccountRecord = Selectable<AccountsTable>;

export function flowFromRecord(record: FlowRecord): FlowRow {
  return {
    id: record.id,
    installId: record.install_id,
    provider: record.provider,
    mode: record.mode,
    requestToken: record.request_token,
    requestSecret: record.request_secret,
    callbackUrl: record.callback_url,
    createdAt: Number(record.created_at),
    expiresAt: Number(record.expires_at),
    state: record.state,
    access: accessOf(record.access),
    accountId: record.account_id ?? null,
    claimedAt: record.claimed_at === null || record.claimed_at === undefined ? null : Number(record.claimed_at),
  };
}

export function accountFromRecord(record: AccountRecord): AccountRow {
  return {
    id: record.id,
    installId: record.install_id,
    provider: record.provider,
    userId: record.user_id,
    screenName: record.screen_name,
    token: record.token,
    tokenSecret: record.token_secret,
    status: record.status,
    createdAt: Number(record.created_at),
    lastUsedAt: record.last_used_at === null ? null : Number(record.last_used_at),
    access: accessOf(record.access),
    expiresAt: record.expires_at === null || record.expires_at === undefined ? null : Number(record.expires_at),
  };
}

/** A stored access level: only the two the companion writes; anything else (or none, before v2) is null. */
function accessOf(value: string | null): AccessLevel | null {
  return value === 'read' || value === 'write' ? value : null;
}

/** 128 random bits, url-safe: ids that cannot be guessed or enumerated. */
export function newId(): string {
  return randomBytes(16).toString('base64url');
}
