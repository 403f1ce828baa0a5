import { ExtensionError, InvalidMessage } from '../errors/extension-error';
import type { MessageError, MessageResult } from './result';

export { InvalidMessage };

/** A protocol map: message name → (parameter) => answer. */
export type ProtocolMap<M> = { [K in keyof M]: (params: never) => unknown };
export type ParamsOf<F> = F extends (params: infer P) => unknown ? P : never;
export type AnswerOf<F> = F extends (params: never) => infer R ? R : never;

/** One handler per message; the compiler fails when a message has none. `C`: what the channel adds (the sender). */
export type Handlers<M extends ProtocolMap<M>, C = void> = {
  [K in keyof M]: (params: ParamsOf<M[K]>, context: C) => AnswerOf<M[K]> | Promise<AnswerOf<M[K]>>;
};

export interface Envelope {
  readonly channel: string;
  readonly name: string;
  readonly params: unknown;
}

export function isEnvelope(message: unknown, channel: string): message is Envelope {
  if (typeof message !== 'object' || message === null) return false;
  const candidate = message as Record<string, unknown>;
  return candidate.channel === channel && typeof candidate.name === 'string';
}

/** Runs the handler for an envelope and wraps its outcome for the wire. */
export async function dispatch<M extends ProtocolMap<M>, C = void>(
  handlers: Handlers<M, C>,
  envelope: Envelope,
  context: C,
): Promise<MessageResult<unknown>> {
  if (!Object.hasOwn(handlers, envelope.name)) {
    return failure({ code: 'unknown_message', message: `no handler for ${envelope.name}` });
  }
  const handler = handlers[envelope.name as keyof M] as (params: unknown, context: C) => unknown;
  try {
    return { ok: true, value: await handler(envelope.params, context) };
  } catch (error) {
    // The error's code and what the user needs from the companion's answer (Retry-After, a limit) go over.
    return failure(ExtensionError.from(error).toData());
  }
}

export function failure(error: MessageError): MessageResult<never> {
  return { ok: false, error };
}

/** The parameter as a record of strings, or InvalidMessage. */
export function stringParams<K extends string>(params: unknown, ...names: K[]): Record<K, string> {
  if (typeof params !== 'object' || params === null) throw new InvalidMessage('parameters must be an object');
  const record = params as Record<string, unknown>;
  for (const name of names) {
    if (typeof record[name] !== 'string' || (record[name] as string).length > 512) {
      throw new InvalidMessage(`${name} must be a string`);
    }
  }
  return record as Record<K, string>;
}

/** An optional string parameter, or InvalidMessage. */
export function optionalStringParam(params: unknown, name: string): string | undefined {
  const value = (params as Record<string, unknown> | null)?.[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > 512) throw new InvalidMessage(`${name} must be a string`);
  return value;
}

/** A boolean parameter (absent: false), or InvalidMessage. */
export function booleanParam(params: unknown, name: string): boolean {
  const value = (params as Record<string, unknown> | null)?.[name];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new InvalidMessage(`${name} must be true or false`);
  return value;
}
