/**
 * What crosses a message channel: a value, or a stable error code with a
 * message for people. Never a raw Error (it does not survive structured cloning).
 */
import type { ErrorCode } from '../protocol';

export type MessageErrorCode =
  | 'sender_refused'
  | 'unknown_message'
  | 'invalid_message'
  | 'internal_error'
  // A content script's request the background refused before the companion saw it.
  | 'consent_denied'
  | 'consent_pending'
  | 'no_account'
  // Files over the action's limits (content-files.ts), refused before any was read.
  | 'file_too_large'
  // A step of a sequence that ended or goes beyond what the user allowed (content-protocol.ts).
  | 'sequence_refused'
  // The options page must ask for a host permission first.
  | 'host_permission_missing'
  // Work begun before the user changed companions or forgot this device; nothing was kept.
  | 'companion_changed'
  // Passed through from the companion client: the companion's own codes, or that it cannot be reached.
  | ErrorCode
  | 'companion_unreachable'
  | 'bad_answer';

export interface MessageError {
  readonly code: MessageErrorCode;
  readonly message: string;
}

export type MessageResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: MessageError };
