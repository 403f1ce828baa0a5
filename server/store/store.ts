import type { AccessLevel, FlowMode } from '../../lib/protocol';

/** Times are milliseconds since the epoch throughout the store. */
export interface FlowRow {
  readonly id: string;
  readonly installId: string;
  readonly provider: string;
  readonly mode: FlowMode;
  readonly requestToken: string;
  /** Sealed by the vault. */
  readonly requestSecret: string;
  readonly callbackUrl: string | null;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** `interrupted`: its completion was cut off by a crash (see interruptStrandedFlows). */
  readonly state: 'pending' | 'completing' | 'interrupted';
  /** When it was claimed for completion; null while pending. */
  readonly claimedAt: number | null;
  /** The access asked for; null for a provider without access levels. The account it makes keeps it. */
  readonly access: AccessLevel | null;
  /** For a reconnection: the account whose token it replaces (the same user must come back). */
  readonly accountId: string | null;
}

/**
 * `invalid`: the provider rejected the token; `needs_permission`: it refused a
 * call for lack of access (a read-only token asked to write); `expired`: past
 * its known expiry, or the provider said so. All but `active` need a reconnect.
 */
export type AccountStatus = 'active' | 'invalid' | 'needs_permission' | 'expired';

export interface AccountRow {
  readonly id: string;
  readonly installId: string;
  readonly provider: string;
  readonly userId: string;
  readonly screenName: string;
  /** Sealed by the vault, with the row's ids as associated data. */
  readonly token: string;
  readonly tokenSecret: string;
  readonly status: AccountStatus;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
  /** The access asked for by the flow that connected it last. */
  readonly access: AccessLevel | null;
  /** When its token expires, where the provider said (oauth_expires_in); null when it did not. */
  readonly expiresAt: number | null;
}

/** What a completed flow writes into its account besides the tokens. */
export interface AccountDetails {
  readonly screenName: string;
  readonly expiresAt: number | null;
}

/** Who an account is, across its lifetime: the upsert key. */
export interface AccountKey {
  readonly installId: string;
  readonly provider: string;
  readonly userId: string;
}

/** The sealed token pair of an account, made once its id is known (the id is part of the associated data). */
export type SealForAccount = (accountId: string) => { token: string; tokenSecret: string };

export interface SealedAccountSecrets {
  readonly id: string;
  readonly installId: string;
  readonly token: string;
  readonly tokenSecret: string;
}

/**
 * Everything the companion keeps, behind one interface with a SQLite and a
 * PostgreSQL implementation. Methods are small and atomic; each does what its
 * name says in one statement or one transaction, so that several companion
 * instances can share a PostgreSQL database.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Whether an error this store threw means its database cannot be reached now
   * (a connection refused or cut, a server shutting down or starting): the
   * request is answered `503 store_unavailable` with Retry-After instead of
   * `500 internal_error`, since trying again shortly can succeed.
   */
  isUnavailable(error: unknown): boolean;
  migrate(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;

  /** Records a DPoP proof id; false when it was already recorded. */
  rememberProofId(key: string, expiresAtSeconds: number): Promise<boolean>;
  /**
   * Deletes what has expired: proof ids, rate windows, pending flows past
   * their expiry (a completing one five minutes later), and installs that
   * proved a key but never kept a flow or an account for a day.
   */
  sweep(now: number): Promise<void>;

  touchInstall(installId: string, now: number): Promise<void>;
  /** Removes the install with all its flows and accounts; returns the accounts it had. */
  deleteInstall(installId: string): Promise<AccountRow[]>;

  insertFlow(flow: FlowRow): Promise<void>;
  findFlow(flowId: string): Promise<FlowRow | undefined>;
  /** Moves a pending, unexpired flow of this install to `completing`; false if it is not one. Single use. */
  claimFlow(flowId: string, installId: string, now: number): Promise<boolean>;
  deleteFlow(flowId: string): Promise<void>;
  /** Gives a claimed flow back (`completing` → `pending`), for another try: the provider refused its verifier. */
  releaseFlow(flowId: string): Promise<void>;
  /** Marks `interrupted` every flow claimed before `claimedBefore` that is still completing; how many. */
  interruptStrandedFlows(claimedBefore: number): Promise<number>;

  /**
   * In one transaction: inserts the account or updates the one with the same
   * key (keeping its id and creation time), and deletes the flow, which must
   * still be `completing` (else nothing is written and undefined returned:
   * the flow was cancelled or swept meanwhile).
   */
  completeFlowWithAccount(
    flowId: string,
    key: AccountKey,
    details: AccountDetails,
    seal: SealForAccount,
    now: number,
  ): Promise<AccountRow | undefined>;
  listAccounts(installId: string): Promise<AccountRow[]>;
  findAccount(accountId: string, installId: string): Promise<AccountRow | undefined>;
  markAccountUsed(accountId: string, now: number): Promise<void>;
  setAccountStatus(accountId: string, status: AccountStatus): Promise<void>;
  deleteAccount(accountId: string, installId: string): Promise<boolean>;

  /** Counts a hit in a fixed window shared by all instances. */
  hit(key: string, windowMs: number, now: number): Promise<{ count: number; resetAt: number }>;

  /**
   * For key rotation: every sealed account secret, and a way to write one
   * back, only if the row still holds what was read (a reconnect in between
   * wins). Returns whether it was written.
   */
  sealedAccountSecrets(): Promise<SealedAccountSecrets[]>;
  replaceSealedAccountSecrets(
    secrets: SealedAccountSecrets,
    expected: { readonly token: string; readonly tokenSecret: string },
  ): Promise<boolean>;
}
