import type { FlowOutcome, PendingFlow } from '../flows/flow-state';
import type { Account, FlowMode, ProviderSummary, RevokeResponse } from '../protocol';

/** Popup → background. Each entry is a message name, its parameter and its answer. */
export interface PopupToBackground {
  getStatus(params: Record<string, never>): BackgroundStatus;
  /** What IndexedDB holds now: shown at once, before anything is fetched. */
  getState(params: Record<string, never>): PopupState;
  listProviders(params: Record<string, never>): ProviderSummary[];
  refreshAccounts(params: Record<string, never>): Account[];
  connect(params: { provider: string; mode: FlowMode }): PendingFlow;
  submitPin(params: { flowId: string; pin: string }): FlowOutcome;
  cancelFlow(params: { flowId: string }): null;
  revoke(params: { accountId: string }): RevokeResponse;
  /** Every account, one after the other; how many went. */
  revokeAll(params: Record<string, never>): { revoked: number };
}

export interface BackgroundStatus {
  readonly version: string;
  readonly companionUrl: string;
}

export interface PopupState {
  readonly pending: readonly PendingFlow[];
  readonly accounts: readonly Account[];
  readonly lastOutcome: FlowOutcome | null;
}
