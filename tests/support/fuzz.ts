/**
 * The fuzz suite's budget and tally (tests/fuzz, docs/testing.md). FUZZ_RUNS
 * is how many generated inputs one run of the whole suite feeds in, all files
 * together: 12,000 by default (`npm run test:fuzz`); `npm run test:unit` sets
 * fewer, so the fuzz files run there too without taking a minute. Each
 * property asks for its part as the runs it takes at the default (`fuzzRuns`),
 * scaled to FUZZ_RUNS. Every input is counted as it runs, every failed
 * property and every unhandled rejection is a finding; each file prints its
 * line, and tests/support/fuzz-summary.ts the run's total.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, inject, vi } from 'vitest';

/** Inputs per run at the default scale: the suite's properties ask for this much in all. */
export const DEFAULT_FUZZ_RUNS = 12_000;

function configuredRuns(): number {
  const text = process.env.FUZZ_RUNS;
  if (text === undefined || text === '') return DEFAULT_FUZZ_RUNS;
  const runs = Number(text);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`FUZZ_RUNS must be a whole number, not "${text}"`);
  return runs;
}

export const FUZZ_RUNS = configuredRuns();

/** How long one fuzz test may take (each file's, set by fuzzSuite): at a large FUZZ_RUNS, minutes. */
export const FUZZ_TIMEOUT_MS = 600_000;

/** A property's runs: `atDefault` when FUZZ_RUNS is the default, in proportion otherwise (at least 5). */
export function fuzzRuns(atDefault: number): number {
  return Math.max(5, Math.round((atDefault * FUZZ_RUNS) / DEFAULT_FUZZ_RUNS));
}

export interface FuzzSuite {
  /**
   * Runs `check` on `runs` generated inputs (fast-check, shrinking on failure);
   * a failure is a finding, and fails the test with fast-check's counterexample.
   */
  property<T>(
    arbitrary: fc.Arbitrary<T>,
    check: (value: T) => unknown,
    runs: number,
    parameters?: Omit<fc.Parameters<[T]>, 'numRuns'>,
  ): Promise<void>;
  /** Inputs fed in so far by this file. */
  readonly inputs: () => number;
}

/**
 * The tally of one fuzz file: its properties' inputs and findings, printed
 * after the file and handed to the run's summary.
 */
export function fuzzSuite(name: string): FuzzSuite {
  vi.setConfig({ testTimeout: FUZZ_TIMEOUT_MS, hookTimeout: 60_000 });
  let inputs = 0;
  let findings = 0;
  const unhandled = (reason: unknown) => {
    findings += 1;
    console.error(`fuzz: ${name}: unhandled rejection`, reason);
  };
  process.on('unhandledRejection', unhandled);
  afterAll(() => {
    process.off('unhandledRejection', unhandled);
    console.log(`fuzz: ${name}: ${inputs} inputs, ${findings} findings`);
    const directory = inject('fuzzTallyDirectory');
    if (directory)
      appendFileSync(join(directory, `${process.pid}.jsonl`), `${JSON.stringify({ name, inputs, findings })}\n`);
  });
  return {
    inputs: () => inputs,
    async property(arbitrary, check, runs, parameters = {}) {
      const counted = async (value: Parameters<typeof check>[0]) => {
        inputs += 1;
        await check(value);
      };
      try {
        await fc.assert(fc.asyncProperty(arbitrary, counted), { ...parameters, numRuns: runs });
      } catch (error) {
        findings += 1;
        throw error;
      }
    },
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where each fuzz file leaves its tally for tests/support/fuzz-summary.ts (empty: no summary). */
    fuzzTallyDirectory: string;
  }
}
