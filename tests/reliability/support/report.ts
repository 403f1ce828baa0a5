import { appendFileSync } from 'node:fs';
import { inject } from 'vitest';
import type { DatabaseKind } from './databases';

/** One line of the reliability table: a phase on one database. */
export interface ReliabilityRow {
  readonly phase: string;
  readonly database: DatabaseKind;
  /** What was done and how it ended, in words: "500 flows: 500 connected". */
  readonly counts: string;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** The companion's resident set at its peak (VmHWM), highest of its processes. */
  readonly rssPeakMb: number | null;
  /** Answers with a 5xx status, leaving out the 502/504 a provider fault is meant to cause. */
  readonly serverErrors: number;
  /** Accounts whose complete answered 201 but which are not there / installs with more than one. */
  readonly lost: number | null;
  readonly duplicated: number | null;
  /** Whether every check of the phase held; what did not, otherwise. */
  readonly verdict: string;
}

/**
 * Prints a row, and, in a run of vitest.reliability.config.ts, appends it to the run's results
 * file, from which its global teardown prints the table and writes docs/reliability.md.
 */
export function report(row: ReliabilityRow): void {
  console.info(`reliability: ${tableOf([row])}`);
  const results = inject('reliabilityResults');
  if (results) appendFileSync(results, `${JSON.stringify(row)}\n`);
}

const HEADER = [
  'phase',
  'database',
  'counts',
  'p50 ms',
  'p99 ms',
  'RSS peak MB',
  '5xx',
  'lost / duplicated',
  'verdict',
];

const shown = (value: number | null) => (value === null ? '–' : String(value));

/** The rows as a Markdown table (also readable as printed text). */
export function tableOf(rows: readonly ReliabilityRow[]): string {
  const lines = [HEADER, HEADER.map(() => '---')].concat(
    rows.map((row) => [
      row.phase,
      row.database,
      row.counts,
      shown(row.p50Ms),
      shown(row.p99Ms),
      shown(row.rssPeakMb),
      String(row.serverErrors),
      row.lost === null && row.duplicated === null ? '–' : `${shown(row.lost)} / ${shown(row.duplicated)}`,
      row.verdict,
    ]),
  );
  return `\n${lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n')}\n`;
}

/** {"connected": 498, "rate_limited": 2} → "498 connected, 2 rate_limited". */
export function describeTally(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort(([, a], [, b]) => b - a)
    .map(([name, n]) => `${n} ${name}`)
    .join(', ');
}

/** "pass", or what failed: the messages of the checks that did not hold. */
export function verdict(checks: readonly (readonly [boolean, string])[]): string {
  const failed = checks.filter(([held]) => !held).map(([, message]) => message);
  return failed.length === 0 ? 'pass' : `FAIL: ${failed.join('; ')}`;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The file rows are appended to, in a run of vitest.reliability.config.ts only. */
    reliabilityResults?: string;
  }
}
