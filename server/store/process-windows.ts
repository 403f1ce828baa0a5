/**
 * Fixed rate-limit windows kept in the process: the SQLite store's, since one
 * companion process serves a SQLite file (several instances need PostgreSQL,
 * docs/deploy.md), so a window in its memory counts every hit a window in the
 * file would. Written to the file, a window cost one more transaction per
 * proxied call (docs/benchmarks.md, "The proxy's cost per call"). A restart
 * starts every window again, as the end of a window does.
 *
 * Windows are kept in the order they started, so those that have ended are
 * dropped from the front as new ones start, and at most `limit` are kept:
 * past it the oldest goes. Keys signed with fresh DPoP keys each start a
 * window, and the heap must not grow with them (rows in the file did not
 * count against it). A window dropped early only starts its count again,
 * which gives nobody more than a fresh key would.
 */
export class ProcessWindows {
  readonly #windows = new Map<string, { count: number; resetAt: number }>();

  /** @param limit the most windows kept at once (about 150 bytes each) */
  constructor(private readonly limit = 50_000) {}

  /**
   * Counts a hit for `key` at `now` (ms since the epoch) in a window of
   * `windowMs`: the same answer as the store's SQL upsert (`Store.hit`), a
   * window that has ended starting again at one.
   */
  hit(key: string, windowMs: number, now: number): { count: number; resetAt: number } {
    const window = this.#windows.get(key);
    if (window !== undefined && window.resetAt > now) {
      window.count += 1;
      return { count: window.count, resetAt: window.resetAt };
    }
    this.#windows.delete(key);
    this.#dropEnded(now);
    const fresh = { count: 1, resetAt: now + windowMs };
    this.#windows.set(key, fresh);
    return { count: 1, resetAt: fresh.resetAt };
  }

  /** Forgets the windows that ended before `now`, as the store's sweep deletes their rows. */
  sweep(now: number): void {
    for (const [key, window] of this.#windows) if (window.resetAt < now) this.#windows.delete(key);
  }

  /** How many windows are kept. */
  get size(): number {
    return this.#windows.size;
  }

  /** Drops ended windows from the front (the oldest first), and the oldest while at the limit. */
  #dropEnded(now: number): void {
    for (const [key, window] of this.#windows) {
      if (window.resetAt > now && this.#windows.size < this.limit) return;
      this.#windows.delete(key);
    }
  }
}
