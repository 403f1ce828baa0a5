/**
 * `npm run bench:report` (the last step of `npm run bench`): rebuilds the
 * measured parts of docs/benchmarks.md from bench/results/*.json, the last run
 * of each benchmark: each benchmark's block between
 * `<!-- bench:<name>:start -->` and `<!-- bench:<name>:end -->`, the summary of
 * every target, and docs/benchmarks-ratios.svg, a chart of the ratios drawn by
 * Apache ECharts (server-side SVG rendering, no browser). The prose around the
 * blocks (what each figure means, what was tried) is written by hand.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asMarkdown, replaceBlock, summary } from './support/doc-blocks';
import { ratioChartSvg } from './support/ratio-chart';
import { type BenchName, type BenchResults, RESULTS_DIR } from './support/report';

const DOC = join(RESULTS_DIR, '..', '..', 'docs', 'benchmarks.md');
const CHART = join(RESULTS_DIR, '..', '..', 'docs', 'benchmarks-ratios.svg');
const BENCHES: readonly BenchName[] = ['sign', 'proxy', 'upload', 'extension'];

const runs = BENCHES.flatMap((bench) => {
  const file = join(RESULTS_DIR, `${bench}.json`);
  return existsSync(file) ? [JSON.parse(readFileSync(file, 'utf8')) as BenchResults] : [];
});

let doc = readFileSync(DOC, 'utf8');
for (const run of runs) {
  doc = replaceBlock(doc, run.bench, [
    `_Last run: ${run.measuredAt.slice(0, 10)}, Node ${run.node}._`,
    '',
    ...asMarkdown(run.lines),
  ]);
}
doc = replaceBlock(doc, 'summary', summary(runs));
writeFileSync(DOC, doc);
writeFileSync(CHART, ratioChartSvg(runs.flatMap((run) => run.targets)));
console.log(`wrote ${DOC} (${runs.map((run) => run.bench).join(', ')}) and ${CHART}`);
