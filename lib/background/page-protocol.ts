import * as z from 'zod/mini';
import type { ConsentDecision, ConsentQuestion } from '../consent/consent-questions';
import type { FlowOutcome, PendingFlow } from '../flows/flow-state';
import type { PopupState } from '../flows/popup-state';
import type { AccessLevel, Account, FlowMode, ProviderSummary, RevokeResponse } from '../protocol';
import { CONSENT_TIMEOUT_LIMITS } from '../settings/extension-settings';

export type { PopupState };

/** An id, origin, URL or PIN a page sends: a string of at most 512 characters. */
const text = z.string().check(z.maxLength(512));
/** The parameter of a message that takes none: an object, whatever it holds. */
const nothing = z.object({});

/**
 * Each page message's parameters, as a schema (zod/mini, like lib/protocol's
 * schemas: a few KB in the background, where zod classic is about 24). The
 * listener checks them before any handler runs (`withSchemas`,
 * lib/messaging/channel.ts): a parameter of another shape is refused as
 * `invalid_message`, never quietly replaced (a bad `mode` is not `callback`).
 * Unknown fields are dropped. Rules that need stored state (is this account
 * offered? does this question take "always"?) stay with the handlers.
 */
export const PAGE_PARAMS = {
  getState: nothing,
  listProviders: nothing,
  refreshAccounts: nothing,
  connect: z.object({
    provider: text,
    mode: z.enum(['callback', 'oob'] satisfies FlowMode[]),
    access: z.optional(z.enum(['read', 'write'] satisfies AccessLevel[])),
    forceLogin: z.optional(z.boolean()),
  }),
  reconnect: z.object({ accountId: text }),
  submitPin: z.object({ flowId: text, pin: text }),
  cancelFlow: z.object({ flowId: text }),
  revoke: z.object({ accountId: text }),
  revokeAll: nothing,
  revokeSite: z.object({ origin: text, accountId: z.optional(text) }),
  setSiteConfirmWrites: z.object({ origin: text, accountId: text, confirmWrites: z.optional(z.boolean()) }),
  clearActivity: nothing,
  getSettings: nothing,
  testCompanion: z.object({ companionUrl: text }),
  saveSettings: z.object({
    companionUrl: text,
    consentTimeoutSeconds: z.int().check(z.gte(CONSENT_TIMEOUT_LIMITS.min), z.lte(CONSENT_TIMEOUT_LIMITS.max)),
  }),
  forgetDevice: z.object({ force: z.optional(z.boolean()) }),
  getConsentQuestion: z.object({ id: text }),
  answerConsent: z.object({
    id: text,
    decision: z.enum(['once', 'always', 'deny'] satisfies ConsentDecision[]),
    accountId: z.optional(text),
    confirmWrites: z.optional(z.boolean()),
  }),
} as const;

/** A page message's parameters, as its schema says. */
type Params<K extends keyof typeof PAGE_PARAMS> = z.output<(typeof PAGE_PARAMS)[K]>;

/**
 * Our own pages (popup, options, consent window) → background. Each entry is
 * a message name, its parameter (from PAGE_PARAMS) and its answer. It lives
 * beside its handlers in lib/background, not in lib/messaging: it names the
 * state shapes of lib/flows and lib/consent, and lib/messaging sits below those folders.
 */
export interface PageToBackground extends PopupMessages, SiteMessages, OptionsMessages, ConsentMessages {}

export interface PopupMessages {
  /** What IndexedDB holds now: shown at once, before anything is fetched. */
  getState(params: Params<'getState'>): PopupState;
  listProviders(params: Params<'listProviders'>): ProviderSummary[];
  refreshAccounts(params: Params<'refreshAccounts'>): Account[];
  /** `access` for a provider with access levels (its `accessLevels`); the companion asks for write without it. */
  connect(params: Params<'connect'>): PendingFlow;
  /** Connects an account again (it needs permission, or expired): same account id, if the same user comes back. */
  reconnect(params: Params<'reconnect'>): PendingFlow;
  submitPin(params: Params<'submitPin'>): FlowOutcome;
  cancelFlow(params: Params<'cancelFlow'>): null;
  revoke(params: Params<'revoke'>): RevokeResponse;
  /** Every account, one after the other; how many went. */
  revokeAll(params: Params<'revokeAll'>): { revoked: number };
}

/** Connected sites and the activity log: in the popup and the options page. */
export interface SiteMessages {
  /** An origin's "always" for one account, or for all of them; how many went. */
  revokeSite(params: Params<'revokeSite'>): { removed: number };
  setSiteConfirmWrites(params: Params<'setSiteConfirmWrites'>): null;
  clearActivity(params: Params<'clearActivity'>): null;
}

export interface OptionsMessages {
  getSettings(params: Params<'getSettings'>): SettingsView;
  /** Whether a companion answers at `url` (the page asked for the host permission first). */
  testCompanion(params: Params<'testCompanion'>): { providers: number };
  /** A new companion URL is tested first; changing it forgets the accounts and sites of the old one. */
  saveSettings(params: Params<'saveSettings'>): SettingsView;
  /**
   * Revokes everything of this install at the companion, then wipes local
   * state. `force` wipes even when the companion cannot be reached.
   */
  forgetDevice(params: Params<'forgetDevice'>): { accountsRevoked: number | null };
}

export interface ConsentMessages {
  /** The question a consent window shows; null once answered or expired. */
  getConsentQuestion(params: Params<'getConsentQuestion'>): ShownConsentQuestion | null;
  answerConsent(params: Params<'answerConsent'>): {
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
