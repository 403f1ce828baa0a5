/** The parts of docs/benchmarks.md that bench/report.ts writes from measured results. */
import type { BenchName, BenchResults, TargetFigure } from './report';

/**
 * Replaces what lies between `<!-- bench:<name>:start -->` and `<!-- bench:<name>:end -->` with `lines`.
 * @throws Error when the document lacks the markers (a block is never appended somewhere unseen)
 */
export function replaceBlock(text: string, name: string, lines: readonly string[]): string {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`the document has no ${start} … ${end} block`);
  return `${text.slice(0, from + start.length)}\n${lines.join('\n')}\n${text.slice(to)}`;
}

/** Printed lines as Markdown: tables stay; a title line becomes a caption; verdict lines a list. */
export function asMarkdown(lines: readonly string[]): string[] {
  const out: string[] = [];
  lines.forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '') {
      if (out.at(-1) !== '') out.push('');
    } else if (trimmed.startsWith('|')) out.push(trimmed);
    else if (lines[i + 1]?.trim() === '' && lines[i + 2]?.trim().startsWith('|')) out.push(`**${trimmed}**`);
    else out.push(`- ${trimmed}`);
  });
  return out;
}

export function summary(all: readonly BenchResults[]): string[] {
  const targets: [BenchName, TargetFigure][] = all.flatMap((run) =>
    run.targets.map((target) => [run.bench, target] as [BenchName, TargetFigure]),
  );
  const shown = (figure: TargetFigure, value: number) =>
    figure.unit === 'x' ? `${value.toFixed(2)}x` : `${value.toFixed(figure.unit === 'ms' ? 2 : 0)} ${figure.unit}`;
  return [
    '![Each ratio against its target: bars in green meet it, in red do not; the mark is the target.](benchmarks-ratios.svg)',
    '',
    '| benchmark | figure | measured | target | |',
    '|---|---|---:|---:|---|',
    ...targets.map(
      ([bench, figure]) =>
        `| \`bench:${bench}\` | ${figure.label} | ${shown(figure, figure.value)} | ${figure.goal} ${shown(figure, figure.target)} | ${figure.met ? 'met' : '**not met**'} |`,
    ),
  ];
}
