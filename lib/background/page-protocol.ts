import type { ConsentDecision, ConsentQuestion } from '../consent/consent-questions';
import type { FlowOutcome, PendingFlow } from '../flows/flow-state';
import type { PopupState } from '../flows/popup-state';
import type { AccessLevel, Account, FlowMode, ProviderSummary, RevokeResponse } from '../protocol';

export type { PopupState };

/**
 * Our own pages (popup, options, consent window) → background. Each entry is
 * a message name, its parameter and its answer. It lives beside its handlers
 * in lib/background, not in lib/messaging: it names the state shapes of
 * lib/flows and lib/consent, and lib/messaging sits below those folders.
 */
export interface PageToBackground extends PopupMessages, SiteMessages, OptionsMessages, ConsentMessages {}

export interface PopupMessages {
  /** What IndexedDB holds now: shown at once, before anything is fetched. */
  getState(params: Record<string, never>): PopupState;
  listProviders(params: Record<string, never>): ProviderSummary[];
  refreshAccounts(params: Record<string, never>): Account[];
  /** `access` for a provider with access levels (its `accessLevels`); the companion asks for write without it. */
  connect(params: { provider: string; mode: FlowMode; access?: AccessLevel; forceLogin?: boolean }): PendingFlow;
  /** Connects an account again (it needs permission, or expired): same account id, if the same user comes back. */
  reconnect(params: { accountId: string }): PendingFlow;
  submitPin(params: { flowId: string; pin: string }): FlowOutcome;
  cancelFlow(params: { flowId: string }): null;
  revoke(params: { accountId: string }): RevokeResponse;
  /** Every account, one after the other; how many went. */
  revokeAll(params: Record<string, never>): { revoked: number };
}

/** Connected sites and the activity log: in the popup and the options page. */
export interface SiteMessages {
  /** An origin's "always" for one account, or for all of them; how many went. */
  revokeSite(params: { origin: string; accountId?: string }): { removed: number };
  setSiteConfirmWrites(params: { origin: string; accountId: string; confirmWrites: boolean }): null;
  clearActivity(params: Record<string, never>): null;
}

export interface OptionsMessages {
  getSettings(params: Record<string, never>): SettingsView;
  /** Whether a companion answers at `url` (the page asked for the host permission first). */
  testCompanion(params: { companionUrl: string }): { providers: number };
  /** A new companion URL is tested first; changing it forgets the accounts and sites of the old one. */
  saveSettings(params: { companionUrl: string; consentTimeoutSeconds: number }): SettingsView;
  /**
   * Revokes everything of this install at the companion, then wipes local
   * state. `force` wipes even when the companion cannot be reached.
   */
  forgetDevice(params: { force: boolean }): { accountsRevoked: number | null };
}

export interface ConsentMessages {
  /** The question a consent window shows; null once answered or expired. */
  getConsentQuestion(params: { id: string }): ShownConsentQuestion | null;
  answerConsent(params: { id: string; decision: ConsentDecision; accountId?: string; confirmWrites?: boolean }): {
    accepted: boolean;
  };
}

export interface SettingsView {
  readonly companionUrl: string;
  readonly defaultCompanionUrl: string;
  readonly consentTimeoutSeconds: number;
}

/** A consent question as the window gets it: files described, an image's preview as a data: URL. */
export interface ShownConsentQuestion extends Omit<ConsentQuestion, 'files'> {
  readonly files?: readonly {
    readonly filename: string;
    readonly contentType: string;
    readonly size: number;
    readonly previewUrl?: string;
  }[];
}
