/**
 * Writes that only keep a "last seen" time fresh (an install's last request,
 * an account's last use) happen at most once a minute per key and instance:
 * the popup shows these to the minute, and skipping them takes two database
 * writes off every proxied call.
 */
export class WriteThrottle {
  private readonly lastWrites = new Map<string, number>();

  constructor(
    private readonly intervalMs = 60_000,
    private readonly limit = 50_000,
  ) {}

  /** True when `key` was not written in the last interval (and records that it is now). */
  due(key: string, now: number): boolean {
    const last = this.lastWrites.get(key);
    if (last !== undefined && now - last < this.intervalMs) return false;
    if (this.lastWrites.size >= this.limit) this.lastWrites.clear();
    this.lastWrites.set(key, now);
    return true;
  }
}
