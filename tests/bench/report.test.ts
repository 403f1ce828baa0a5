/**
 * `npm run bench:report`: the measured blocks of docs/benchmarks.md and the
 * chart are rebuilt from what the benchmarks printed, and only those blocks.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { asMarkdown, replaceBlock, summary } from '../../bench/support/doc-blocks';
import { ratioChartSvg } from '../../bench/support/ratio-chart';
import { BenchReport, type BenchResults, type TargetFigure } from '../../bench/support/report';

const figure = (overrides: Partial<TargetFigure>): TargetFigure => ({
  label: 'proxy: cpu per call vs its floor',
  value: 3.78,
  target: 2,
  goal: 'at most',
  unit: 'x',
  met: false,
  ...overrides,
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('BenchReport.target', () => {
  it('judges "at most" and "at least", prints the verdict after the given wording, and keeps the figure', () => {
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => printed.push(line));
    const report = new BenchReport('proxy');
    expect(
      report.target(
        { label: 'cpu', value: 3.78, target: 2, goal: 'at most', unit: 'x' },
        'cpu per call: 1771 µs, floor 469 µs (3.78x)',
      ),
    ).toBe(false);
    expect(report.target({ label: 'share', value: 81, target: 80, goal: 'at least', unit: '%' })).toBe(true);
    expect(report.target({ label: 'added p50', value: 0.7, target: 0.7, goal: 'at most', unit: 'ms' })).toBe(true);
    expect(printed).toEqual([
      'cpu per call: 1771 µs, floor 469 µs (3.78x) (target <= 2x): NOT met',
      'share: 81 % (target >= 80 %): met',
      'added p50: 0.70 ms (target <= 0.7 ms): met',
    ]);
  });
});

describe('the document blocks', () => {
  const doc = 'prose\n<!-- bench:sign:start -->\nold\n<!-- bench:sign:end -->\nmore prose\n';

  it('replaces what lies between its markers and nothing else', () => {
    expect(replaceBlock(doc, 'sign', ['new', 'lines'])).toBe(
      'prose\n<!-- bench:sign:start -->\nnew\nlines\n<!-- bench:sign:end -->\nmore prose\n',
    );
  });

  it('refuses a document without the block', () => {
    expect(() => replaceBlock(doc, 'proxy', ['x'])).toThrow(/bench:proxy:start/);
  });

  it('keeps tables, turns a title before a table into a caption and other lines into a list', () => {
    expect(
      asMarkdown([
        '',
        'Signing (Node v20)',
        '',
        '| a | b |',
        '|---|---:|',
        '| x | 1 |',
        '',
        '',
        'time vs floor: met',
        '  floor = a + b',
      ]),
    ).toEqual([
      '',
      '**Signing (Node v20)**',
      '',
      '| a | b |',
      '|---|---:|',
      '| x | 1 |',
      '',
      '- time vs floor: met',
      '- floor = a + b',
    ]);
  });

  it('sums up every target of every run, with its verdict', () => {
    const run: BenchResults = {
      bench: 'proxy',
      measuredAt: '2026-11-29T18:00:00.000Z',
      node: 'v20.20.2',
      lines: [],
      targets: [figure({}), figure({ label: 'RSS', value: 126, target: 150, unit: 'MB', met: true })],
    };
    const lines = summary([run]);
    expect(lines).toContain(
      '| `bench:proxy` | proxy: cpu per call vs its floor | 3.78x | at most 2.00x | **not met** |',
    );
    expect(lines).toContain('| `bench:proxy` | RSS | 126 MB | at most 150 MB | met |');
  });
});

describe('the chart of the ratios', () => {
  it('is an SVG with a bar per ratio (ms and MB are not ratios), red when not met, green when met', () => {
    const svg = ratioChartSvg([
      figure({}),
      figure({ label: 'signing: time vs floor', value: 1.91, target: 2.5, met: true }),
      figure({ label: 'uploads: throughput vs direct', value: 34, target: 70, goal: 'at least', unit: '%' }),
      figure({ label: 'added p50 at concurrency 1', value: 2.1, target: 0.7, unit: 'ms' }),
    ]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('proxy: cpu per call vs its floor');
    expect(svg).toContain('uploads: throughput vs direct');
    expect(svg).not.toContain('added p50');
    expect(svg).toContain('#c62828');
    expect(svg).toContain('#2e7d32');
  });
});

describe('docs/benchmarks.md', () => {
  it('has the summary and a block for each benchmark, and the chart it shows exists', () => {
    const text = readFileSync('docs/benchmarks.md', 'utf8');
    for (const name of ['summary', 'sign', 'proxy', 'upload', 'extension']) {
      expect(text).toContain(`<!-- bench:${name}:start -->`);
      expect(text).toContain(`<!-- bench:${name}:end -->`);
    }
    expect(existsSync('docs/benchmarks-ratios.svg')).toBe(true);
  });
});
