/**
 * What crosses a message channel: a value, or a stable error code with a
 * message for people. Never a raw Error (it does not survive structured cloning).
 */
import type { ExtensionErrorCode, ExtensionErrorData } from '../errors/extension-error';

/** Every code an error over a channel carries: the extension's (`ExtensionErrorCode`). */
export type MessageErrorCode = ExtensionErrorCode;

/** An ExtensionError as it crosses a channel (`ExtensionError.toData`). */
export type MessageError = ExtensionErrorData;

export type MessageResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: MessageError };
