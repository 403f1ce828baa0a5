/**
 * The extension's one error type (the pattern of jose's `JOSEError`): every
 * failure the extension reports carries a stable `code` from one union, and
 * callers branch on `error.code`, never on which class threw or on the
 * wording. Over a message channel it travels as its data (`toData`), never
 * as a raw Error, which structured cloning would not keep. The words a
 * person reads for each code are the messages `error_<code>` in
 * `public/_locales` (components/error-words.ts).
 */
import { ERROR_CODES, type ErrorCode } from '../protocol/error-codes';

/** The extension's own codes; with the companion's (`ErrorCode`), every code an ExtensionError carries. */
export const EXTENSION_OWN_ERROR_CODES = [
  // The channels: who sent, what was sent.
  'sender_refused',
  'unknown_message',
  'invalid_message',
  'internal_error',
  // A content script's request the background refused before the companion saw it.
  'consent_denied',
  'consent_pending',
  'no_account',
  // Files over the action's limits (content-files.ts), refused before any was read.
  'file_too_large',
  // A step of a sequence that ended or goes beyond what the user allowed (action-sequences.ts).
  'sequence_refused',
  // The options page must ask for a host permission first.
  'host_permission_missing',
  // Work begun before the user changed companions or forgot this device; nothing was kept.
  'companion_changed',
  // The companion client: the companion cannot be reached, or answered what the contract does not allow.
  'companion_unreachable',
  'bad_answer',
] as const;

export type ExtensionErrorCode = ErrorCode | (typeof EXTENSION_OWN_ERROR_CODES)[number];

const KNOWN_CODES: ReadonlySet<string> = new Set([...ERROR_CODES, ...EXTENSION_OWN_ERROR_CODES]);

/** Whether `code` is one of the union's (a stored activity entry's code may be from another version). */
export function isExtensionErrorCode(code: unknown): code is ExtensionErrorCode {
  return typeof code === 'string' && KNOWN_CODES.has(code);
}

/**
 * An error as it crosses a message channel: its code, a message for
 * developers (English; people read the words for the code), and what a user
 * needs from the companion's answer.
 */
export interface ExtensionErrorData {
  readonly code: ExtensionErrorCode;
  readonly message: string;
  /** `rate_limited`, `companion_busy`: seconds to wait, from the companion's `Retry-After`. */
  readonly retryAfterSeconds?: number;
  /** `body_too_large`: the limit that was passed, from the companion's problem. */
  readonly limitBytes?: number;
}

export interface ExtensionErrorOptions {
  /** The companion's HTTP status, for an error it answered. */
  readonly status?: number;
  readonly retryAfterSeconds?: number;
  readonly limitBytes?: number;
  /**
   * Refused by the extension itself before the companion was asked (a
   * content script's request the user or a rule said no to): the activity
   * log records it as `refused`, not `failed`.
   */
  readonly refused?: boolean;
  /** What the activity log records when the site is told less (a `no-account` window answers `consent_denied`). */
  readonly loggedCode?: ExtensionErrorCode;
}

export class ExtensionError extends Error implements ExtensionErrorData {
  override name = 'ExtensionError';
  readonly status: number | undefined;
  readonly retryAfterSeconds?: number;
  readonly limitBytes?: number;
  readonly refused: boolean;
  readonly loggedCode: ExtensionErrorCode;

  constructor(
    readonly code: ExtensionErrorCode,
    message: string,
    options: ExtensionErrorOptions = {},
  ) {
    super(message);
    this.status = options.status;
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
    if (options.limitBytes !== undefined) this.limitBytes = options.limitBytes;
    this.refused = options.refused ?? false;
    this.loggedCode = options.loggedCode ?? code;
  }

  /** What crosses a channel: code, message, and the companion's `retryAfterSeconds` and `limitBytes` when known. */
  toData(): ExtensionErrorData {
    return {
      code: this.code,
      message: this.message,
      ...(this.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: this.retryAfterSeconds }),
      ...(this.limitBytes === undefined ? {} : { limitBytes: this.limitBytes }),
    };
  }

  /** The error again from what crossed a channel (the pages' `ask` throws it). */
  static fromData(data: ExtensionErrorData): ExtensionError {
    return new ExtensionError(data.code, data.message, data);
  }

  /**
   * Anything thrown, as an ExtensionError: itself; an Error that carries a
   * `code` of the union (a DOM or library error, a test double) with that
   * code; anything else `internal_error`, its message kept for developers.
   * A code outside the union (a DOMException's numeric one) is never passed on.
   */
  static from(thrown: unknown): ExtensionError {
    if (thrown instanceof ExtensionError) return thrown;
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    const code = thrown instanceof Error ? (thrown as { code?: unknown }).code : undefined;
    return new ExtensionError(isExtensionErrorCode(code) ? code : 'internal_error', message);
  }
}

/** A message's parameters are not what its map declares: `invalid_message`. */
export class InvalidMessage extends ExtensionError {
  override name = 'InvalidMessage';
  constructor(message: string) {
    super('invalid_message', message);
  }
}

/** A content script's files over one action's limits, refused before any is read: `file_too_large`. */
export class FileTooLarge extends ExtensionError {
  override name = 'FileTooLarge';
  constructor(message: string) {
    super('file_too_large', message);
  }
}
