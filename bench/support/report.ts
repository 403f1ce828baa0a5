/**
 * What a benchmark prints, kept: every line goes to the console as before and
 * into `bench/results/<bench>.json`, from which `npm run bench:report`
 * (bench/report.ts) rewrites that benchmark's block of docs/benchmarks.md and
 * the chart of every target. A run of one benchmark updates its own block only.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type BenchName = 'sign' | 'proxy' | 'upload' | 'extension';

/** A figure with a target: "at most" for costs against a floor, "at least" for shares of a peer's throughput. */
export interface TargetFigure {
  /** What is measured, e.g. "cpu per call vs its floor". */
  readonly label: string;
  readonly value: number;
  readonly target: number;
  readonly goal: 'at most' | 'at least';
  /** `x` (times a reference), `%` (of a reference), `ms` or `MB`; the chart shows `x` and `%`, which are ratios. */
  readonly unit: 'x' | '%' | 'ms' | 'MB';
  readonly met: boolean;
}

export interface BenchResults {
  readonly bench: BenchName;
  /** ISO 8601, when the run ended. */
  readonly measuredAt: string;
  readonly node: string;
  /** The printed lines (Markdown tables among them), in order. */
  readonly lines: readonly string[];
  readonly targets: readonly TargetFigure[];
}

/** Where results are kept: committed, so that the document can be rebuilt from the last run of each benchmark. */
export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

export class BenchReport {
  readonly #lines: string[] = [];
  readonly #targets: TargetFigure[] = [];

  constructor(readonly bench: BenchName) {}

  /** Prints each line and keeps it for the document. */
  log(...lines: string[]): void {
    for (const line of lines) {
      console.log(line);
      this.#lines.push(...line.split('\n'));
    }
  }

  /**
   * Prints `<said> (target <= | >= <target><unit>): met | NOT met` and keeps the figure for the
   * chart; `said` is `<label>: <value><unit>` unless given (a line whose wording an issue fixed).
   * Returns whether the target is met.
   */
  target(figure: Omit<TargetFigure, 'met'>, said?: string): boolean {
    const met = figure.goal === 'at most' ? figure.value <= figure.target : figure.value >= figure.target;
    const digits = figure.unit === 'x' || figure.unit === 'ms' ? 2 : 0;
    const unit = figure.unit === 'x' ? 'x' : ` ${figure.unit}`;
    const sign = figure.goal === 'at most' ? '<=' : '>=';
    const value = `${figure.label}: ${figure.value.toFixed(digits)}${unit}`;
    this.log(`${said ?? value} (target ${sign} ${figure.target}${unit}): ${met ? 'met' : 'NOT met'}`);
    this.#targets.push({ ...figure, met });
    return met;
  }

  /** Writes bench/results/<bench>.json. */
  save(): void {
    const results: BenchResults = {
      bench: this.bench,
      measuredAt: new Date().toISOString(),
      node: process.version,
      lines: trimBlank(this.#lines),
      targets: this.#targets,
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, `${this.bench}.json`), `${JSON.stringify(results, null, 2)}\n`);
  }
}

function trimBlank(lines: readonly string[]): string[] {
  const kept = [...lines];
  while (kept[0]?.trim() === '') kept.shift();
  while (kept.at(-1)?.trim() === '') kept.pop();
  return kept;
}
