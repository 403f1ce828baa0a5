/** The shapes of one call to a provider and of its answer, shared by the transports (transport.ts) and the answer reader. */
import type { AnswerReservation } from './answer-budget';
import type { BytesBody } from './multipart-body';

/** A request body: text, or bytes held in memory (an upload: multipart-body.ts), sent with their Content-Type. */
export type UpstreamBody = string | BytesBody | null;

export interface UpstreamRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: UpstreamBody;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  /** Where the answer's bytes are accounted as they arrive: a full budget refuses the answer (companion_busy). */
  readonly reservation: AnswerReservation;
}

export interface UpstreamResponse {
  readonly status: number;
  readonly headers: AnswerHeaders;
  readonly body: Uint8Array;
}

/** What the companion reads of an answer's headers; web `Headers` (fetch's) has this shape too. */
export interface AnswerHeaders {
  /** The value by case-insensitive name, repeated headers joined with ", " (as `Headers.get`); null if absent. */
  get(name: string): string | null;
  /** Each header once, by lowercase name, in the order received. */
  forEach(callback: (value: string, name: string) => void): void;
}

/**
 * Headers by lowercase name, read as `AnswerHeaders`: undici's answers are
 * kept like this rather than copied into a web `Headers`, whose checks and
 * sorting cost 5 µs an answer (1 µs this way), measured alone.
 */
export class PlainHeaders implements AnswerHeaders {
  readonly #values: ReadonlyMap<string, string>;

  /** @param entries name and value pairs; names are lowercased, a repeated name's values joined with ", " */
  constructor(entries: Iterable<readonly [string, string | readonly string[] | undefined]>) {
    const values = new Map<string, string>();
    for (const [name, value] of entries) {
      if (value === undefined) continue;
      const lower = name.toLowerCase();
      const joined = typeof value === 'string' ? value : value.join(', ');
      const before = values.get(lower);
      values.set(lower, before === undefined ? joined : `${before}, ${joined}`);
    }
    this.#values = values;
  }

  get(name: string): string | null {
    return this.#values.get(name.toLowerCase()) ?? null;
  }

  forEach(callback: (value: string, name: string) => void): void {
    for (const [name, value] of this.#values) callback(value, name);
  }
}
