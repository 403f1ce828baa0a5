import { randomBytes } from 'node:crypto';
import type { AccessLevel, FlowMode } from '../../lib/protocol';
import type { AccountRow, AccountStatus, FlowRow } from './store';

/** Column names as both databases return them; BIGINTs may arrive as strings (pg). */
export interface FlowRecord {
  id: string;
  install_id: string;
  provider: string;
  mode: string;
  request_token: string;
  request_secret: string;
  callback_url: string | null;
  created_at: number | string;
  expires_at: number | string;
  state: string;
  access: string | null;
  account_id: string | null;
  claimed_at: number | string | null;
}

export interface AccountRecord {
  id: string;
  install_id: string;
  provider: string;
  user_id: string;
  screen_name: string;
  token: string;
  token_secret: string;
  status: string;
  created_at: number | string;
  last_used_at: number | string | null;
  access: string | null;
  expires_at: number | string | null;
}

export function flowFromRecord(record: FlowRecord): FlowRow {
  return {
    id: record.id,
    installId: record.install_id,
    provider: record.provider,
    mode: record.mode as FlowMode,
    requestToken: record.request_token,
    requestSecret: record.request_secret,
    callbackUrl: record.callback_url,
    createdAt: Number(record.created_at),
    expiresAt: Number(record.expires_at),
    state: record.state as FlowRow['state'],
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
    status: record.status as AccountStatus,
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
