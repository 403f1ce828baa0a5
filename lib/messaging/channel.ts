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

/**
 * What checks one message's parameters: a zod schema (classic or mini) has
 * this shape. Its output is what the handler receives.
 */
export interface ParamsSchema<P> {
  safeParse(
    input: unknown,
  ):
    | { readonly success: true; readonly data: P }
    | { readonly success: false; readonly error: { readonly issues: readonly ParamsIssue[] } };
}

interface ParamsIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** One schema per message of a map, beside it; the compiler fails when a message has none. */
export type Schemas<M extends ProtocolMap<M>> = { readonly [K in keyof M]: ParamsSchema<ParamsOf<M[K]>> };

/**
 * The handlers with each message's parameters checked first, once, against
 * its schema: a handler only ever receives parameters of its map's shape.
 * What the listeners dispatch to. Parameters of another shape are refused
 * (asynchronously, like any handler's failure) with InvalidMessage naming
 * the first wrong field: `invalid_message` on the wire. `first`, when given,
 * judges the context (who sends) before the parameters are looked at, and
 * throws to refuse: a sender that may not ask gets that refusal whatever it sent.
 */
export function withSchemas<M extends ProtocolMap<M>, C = void>(
  schemas: Schemas<M>,
  handlers: Handlers<M, C>,
  first?: (context: C) => void,
): Handlers<M, C> {
  const checked: Partial<Record<keyof M, unknown>> = {};
  for (const name of Object.keys(handlers) as (keyof M & string)[]) {
    const schema = schemas[name];
    const handler = handlers[name] as (params: unknown, context: C) => unknown;
    checked[name] = async (params: unknown, context: C) => {
      first?.(context);
      return handler(checkParams(schema, params, name), context);
    };
  }
  return checked as Handlers<M, C>;
}

/**
 * The parameters as `schema` gives them back, or InvalidMessage naming the
 * message and the first wrong field. A schema may throw an ExtensionError of
 * its own code (content-params.ts: too many files is `file_too_large`).
 */
export function checkParams<P>(schema: ParamsSchema<P>, params: unknown, name: string): P {
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw new InvalidMessage(`${name}: ${describeIssue(parsed.error.issues[0])}`);
  return parsed.data;
}

function describeIssue(issue: ParamsIssue | undefined): string {
  if (!issue) return 'parameters of another shape';
  const where = issue.path.map(String).join('.');
  return `${where || 'parameters'}: ${issue.message}`;
}

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

/**
 * The parameter as a record of strings (each at most 512 characters), or
 * InvalidMessage: a hand check for a handler outside a map's schemas (tests'
 * stand-ins); the maps' own handlers get checked parameters (`withSchemas`).
 */
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
