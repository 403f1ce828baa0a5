import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { type ReliabilityRow, tableOf } from './report';

const DOC = fileURLToPath(new URL('../../../docs/reliability.md', import.meta.url));
const START = '<!-- reliability:results:start -->';
const END = '<!-- reliability:results:end -->';
/** Rows a whole full run writes: two load phases, the crash and the faults on both databases, and one restart. */
const COMPLETE_RUN = 2 * 2 + 2 + 2 + 1;

let folder: string | undefined;
let results: string | undefined;
let started = 0;
let loadAtStart = 0;

/** The table's order: the phases in turn, SQLite before PostgreSQL. */
const PHASES = ['load: connect', 'load: proxied', 'crash', 'provider faults', 'PostgreSQL restarted'];
const rank = (row: ReliabilityRow) =>
  PHASES.findIndex((phase) => row.phase.startsWith(phase)) * 2 + (row.database === 'SQLite' ? 0 : 1);

/** Where the test files append their rows (report.ts). */
export function setup(project: TestProject) {
  folder = mkdtempSync(join(tmpdir(), 'oauth1-reliability-results-'));
  results = join(folder, 'rows.jsonl');
  started = Date.now();
  loadAtStart = loadavg()[0] ?? 0;
  project.provide('reliabilityResults', results);
}

/**
 * Prints the table of the run and, after a whole full run, writes it into docs/reliability.md
 * between its markers (the text around them is written by hand and kept).
 */
export function teardown() {
  if (!results || !folder) return;
  const rows: ReliabilityRow[] = existsSync(results)
    ? readFileSync(results, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as ReliabilityRow)
        .sort((a, b) => rank(a) - rank(b))
    : [];
  rmSync(folder, { recursive: true, force: true });
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  console.info(`\nReliability (${process.env.RELIABILITY_SCALE ?? 'full'} run, ${minutes} min):${tableOf(rows)}`);
  if ((process.env.RELIABILITY_SCALE ?? 'full') !== 'full' || rows.length < COMPLETE_RUN) {
    console.info(
      `docs/reliability.md is written by a whole full run only (${rows.length} of ${COMPLETE_RUN} rows here).`,
    );
    return;
  }
  const doc = readFileSync(DOC, 'utf8');
  const from = doc.indexOf(START);
  const to = doc.indexOf(END);
  if (from < 0 || to < from) throw new Error(`docs/reliability.md lacks its ${START} … ${END} markers`);
  const cpu = cpus();
  const machine =
    `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
    `Node ${process.version}, ${process.platform}; load average ${loadAtStart.toFixed(1)} at the start and ` +
    `${(loadavg()[0] ?? 0).toFixed(1)} at the end (other work on the machine shows here)`;
  const written = `${START}\nRun of ${new Date().toISOString().slice(0, 10)}, ${minutes} minutes, on ${machine}.\n${tableOf(rows)}${END}`;
  writeFileSync(DOC, doc.slice(0, from) + written + doc.slice(to + END.length));
  console.info('docs/reliability.md written.');
}
