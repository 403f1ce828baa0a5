/**
 * A small, honest timing harness: calibrate each contender to a batch of
 * about `batchMs`, then run batches of all contenders interleaved, round after
 * round, so that a noisy moment of the machine hits everyone alike; report the
 * median time per operation.
 */
export interface Contender {
  readonly name: string;
  readonly run: () => unknown;
}

export interface Measurement {
  readonly name: string;
  readonly nanosecondsPerOp: number;
  readonly opsPerSecond: number;
}

export function measure(contenders: readonly Contender[], { rounds = 15, batchMs = 60 } = {}): Measurement[] {
  const batchSizes = contenders.map((c) => calibrate(c.run, batchMs));
  const samples = contenders.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    contenders.forEach((contender, i) => {
      const n = batchSizes[i] as number;
      const started = process.hrtime.bigint();
      for (let k = 0; k < n; k++) sink(contender.run());
      (samples[i] as number[]).push(Number(process.hrtime.bigint() - started) / n);
    });
  }
  return contenders.map((c, i) => {
    const nanosecondsPerOp = median(samples[i] as number[]);
    return { name: c.name, nanosecondsPerOp, opsPerSecond: 1e9 / nanosecondsPerOp };
  });
}

function calibrate(run: () => unknown, batchMs: number): number {
  let n = 100;
  for (;;) {
    const started = process.hrtime.bigint();
    for (let k = 0; k < n; k++) sink(run());
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (elapsedMs >= batchMs / 4) return Math.max(1, Math.round((n * batchMs) / elapsedMs));
    n *= 4;
  }
}

let sunk: unknown;
/** Keeps results alive so the optimiser cannot drop the work. */
function sink(value: unknown): void {
  sunk = value;
}
export const lastSunk = () => sunk;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The same for awaited operations (WebCrypto): the median of `rounds` batches of `batch` sequential awaits. */
export async function measureAsync(
  name: string,
  run: () => Promise<unknown>,
  { rounds = 9, batch = 2000 } = {},
): Promise<Measurement> {
  for (let k = 0; k < batch; k++) sink(await run()); // warm-up
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint();
    for (let k = 0; k < batch; k++) sink(await run());
    samples.push(Number(process.hrtime.bigint() - started) / batch);
  }
  const nanosecondsPerOp = median(samples);
  return { name, nanosecondsPerOp, opsPerSecond: 1e9 / nanosecondsPerOp };
}
