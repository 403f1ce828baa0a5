import { CompanionError } from '../errors';

/** How long a caller refused for lack of memory should wait: in-flight answers finish within seconds. */
export const BUSY_RETRY_AFTER_SECONDS = 1;

/**
 * The bytes of provider answers the companion holds at once, across every
 * call in flight: each answer is read whole before it is passed on (so that a
 * cut-off or oversized answer becomes a clean error, never half a body), and
 * without a bound enough large answers at once exhaust the process. One
 * holder (an install) may take at most `perHolderBytes` of it, so one install
 * cannot starve the others.
 *
 * Past the budget a call is refused with `companion_busy` (503, `Retry-After`);
 * memory is never waited for, so calls cannot deadlock holding parts of it.
 */
export class AnswerBudget {
  #inUse = 0;
  readonly #byHolder = new Map<string, number>();

  /**
   * @param capacityBytes all answers together, bytes
   * @param perHolderBytes one holder's answers together, bytes (at most `capacityBytes`)
   */
  constructor(
    readonly capacityBytes: number,
    readonly perHolderBytes: number = capacityBytes,
  ) {}

  /** Bytes held now, by every holder. */
  get inUse(): number {
    return this.#inUse;
  }

  /** A reservation for one answer, empty until it grows; `holder` names who pays for it (an install id). */
  open(holder: string): AnswerReservation {
    return new AnswerReservation(this, holder);
  }

  /** @internal moves `delta` bytes (negative to give back) between the pool and `holder`; false when refused. */
  shift(holder: string, delta: number): boolean {
    const held = this.#byHolder.get(holder) ?? 0;
    if (delta > 0 && (this.#inUse + delta > this.capacityBytes || held + delta > this.perHolderBytes)) return false;
    this.#inUse += delta;
    if (held + delta === 0) this.#byHolder.delete(holder);
    else this.#byHolder.set(holder, held + delta);
    return true;
  }
}

/**
 * The part of an AnswerBudget one answer holds. It only grows (to the largest
 * size asked for) until `release`, which gives all of it back; both are safe to
 * call more than once.
 */
export class AnswerReservation {
  #bytes = 0;
  #released = false;

  constructor(
    private readonly budget: AnswerBudget,
    private readonly holder: string,
  ) {}

  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Makes the reservation at least `bytes`.
   * @throws CompanionError `companion_busy` (503, Retry-After) when the budget cannot give that much now
   */
  ensure(bytes: number): void {
    if (bytes <= this.#bytes) return;
    if (this.#released || !this.budget.shift(this.holder, bytes - this.#bytes)) {
      throw new CompanionError(
        'companion_busy',
        'the companion holds as many provider answers as its memory allows; try again in a moment',
        undefined,
        { 'retry-after': String(BUSY_RETRY_AFTER_SECONDS) },
      );
    }
    this.#bytes = bytes;
  }

  /** Gives every byte back. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.budget.shift(this.holder, -this.#bytes);
    this.#bytes = 0;
  }
}
