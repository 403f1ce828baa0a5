/**
 * A user clones this repository alone: nothing in it (product, tests, scripts, CI, docs) may
 * refer to a path outside it. This walks every tracked text file and resolves each relative
 * path it names ("../x", "../../y") against the folder it is read from; shell scripts and
 * package.json scripts run from the repository root, so theirs are resolved from there too.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const binary = new Set(['.png', '.jpg', '.jpeg', '.gif', '.ico', '.webp', '.zip', '.woff', '.woff2']);

const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
  .split('\0')
  .filter((file) => file !== '' && !binary.has(extname(file).toLowerCase()));

/** Files whose commands run with the repository root as the working directory. */
const runsFromRoot = (file: string) => file.endsWith('.sh') || file === '.ci/run' || file === 'package.json';

/** Relative references that climb at least one folder: `../`, `../../name`, … */
const climbing = /(?<![\w.])((?:\.\.\/)+[\w.@-]*)/g;

/** Absolute paths into a workspace or home folder: never true on another machine. */
const machinePath = /(?<![\w.:/])\/(?:work|home|root|Users)\/[\w.-]+/g;

function isOutside(from: string, reference: string): boolean {
  const target = resolve(from, reference);
  return target !== root.replace(/\/$/, '') && !(target + sep).startsWith(root);
}

/** Every outside reference in one file, as `file:line: reference`. */
function outsideReferences(file: string, text: string): string[] {
  const found: string[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    for (const [, reference = ''] of line.matchAll(climbing)) {
      const bases = [dirname(join(root, file)), ...(runsFromRoot(file) ? [root] : [])];
      if (bases.some((base) => isOutside(base, reference))) found.push(`${file}:${index + 1}: ${reference}`);
    }
    for (const [reference] of line.matchAll(machinePath)) found.push(`${file}:${index + 1}: ${reference}`);
  });
  return found;
}

describe('the repository is self-contained', () => {
  it('tracks the files it checks (a git checkout)', () => {
    expect(tracked.length).toBeGreaterThan(100);
    expect(tracked).toContain('tests/fixtures/oauth1-public.json');
  });

  it('no tracked file refers to a path outside the repository', () => {
    // This file's own examples (below) are outside references on purpose.
    const checked = tracked.filter((file) => file !== 'tests/repository/self-contained.test.ts');
    const found = checked.flatMap((file) => outsideReferences(file, readFileSync(join(root, file), 'utf8')));
    expect(found).toEqual([]);
  });

  it('the check itself catches the forms an outside reference takes', () => {
    expect(
      outsideReferences('tests/support/x.ts', "new URL('../../../elsewhere/v.json', import.meta.url)"),
    ).toHaveLength(1);
    expect(outsideReferences('README.md', 'see [the design](../elsewhere/design.md)')).toHaveLength(1);
    expect(outsideReferences('.ci/run', 'test -f ../elsewhere/vectors.json')).toHaveLength(1);
    expect(outsideReferences('scripts/x.ts', "readFileSync('/work/elsewhere/x.json')")).toHaveLength(1);
    // Inside the repository: imports that climb to the root, and the root's own folders.
    expect(outsideReferences('tests/lib/oauth1/x.test.ts', "import { sign } from '../../../lib/oauth1';")).toEqual([]);
    expect(outsideReferences('scripts/start.ts', "spawn('tsx', ['../server/main.ts'])")).toEqual([]);
    expect(outsideReferences('tests/x.test.ts', "'file:///home/me/page.html'")).toEqual([]);
  });
});
