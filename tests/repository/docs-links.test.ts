/**
 * The documentation's links land: every relative link in README.md and docs/*.md names a file or
 * folder of the repository (tracked, or new and not ignored by git), and every `#anchor` names a
 * heading of the page it points to (the same page, or another Markdown page), spelled as GitHub
 * spells heading ids. Links to other sites are not fetched. Text in code blocks and code spans is
 * not a link.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** What a page's links are checked against: the repository's paths, and the text of its Markdown pages. */
interface Repository {
  has(path: string): boolean;
  markdown(path: string): string | undefined;
}

/** The text with fenced code blocks blanked out (newlines kept, so offsets and line numbers hold). */
function withoutFences(text: string): string {
  let fence: string | undefined;
  return text
    .split('\n')
    .map((line) => {
      const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence === undefined && marker) {
        fence = marker;
        return '';
      }
      if (fence !== undefined) {
        if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker)
          fence = undefined;
        return '';
      }
      return line;
    })
    .join('\n');
}

/** Code spans blanked out too; a span may wrap lines but never crosses a blank line. */
function withoutCode(text: string): string {
  return withoutFences(text).replace(/(?<!`)(`+)(?!`)(?:(?!\n[ \t]*\n)[\s\S])*?(?<!`)\1(?!`)/g, (span) =>
    span.replace(/[^\n]/g, ' '),
  );
}

/** Every link target of a page (inline links, images, reference definitions), with its line. */
function linksOf(text: string): { target: string; line: number }[] {
  const masked = withoutCode(text);
  const lineAt = (offset: number) => masked.slice(0, offset).split('\n').length;
  const inline = /!?\[(?:[^[\]]|\[[^\]]*\])*\]\(\s*(?:<([^>\n]*)>|([^\s)]*))(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g;
  const definition = /^ {0,3}\[[^\]\n]+\]:[ \t]*(?:<([^>\n]*)>|(\S+))/gm;
  return [...masked.matchAll(inline), ...masked.matchAll(definition)]
    .map((match) => ({ target: match[1] ?? match[2] ?? '', line: lineAt(match.index) }))
    .sort((a, b) => a.line - b.line);
}

/** GitHub's id for a heading's text: lowercase, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]*>/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replaceAll(' ', '-');
}

/** The ids a page's headings get (a repeated one as `id-1`, `id-2`, …), and explicit HTML ids. */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutFences(text).split('\n')) {
    const heading = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line)?.[1];
    if (heading !== undefined) {
      const id = slug(heading);
      const count = seen.get(id) ?? 0;
      seen.set(id, count + 1);
      anchors.add(count === 0 ? id : `${id}-${count}`);
    }
    for (const [, id = ''] of line.matchAll(/<a\s[^>]*(?:id|name)="([^"]+)"/g)) anchors.add(id);
  }
  return anchors;
}

/** Every link of `page` that does not land, as `page:line: target (why)`. */
function brokenLinks(page: string, text: string, repository: Repository): string[] {
  const broken: string[] = [];
  for (const { target, line } of linksOf(text)) {
    const report = (why: string) => broken.push(`${page}:${line}: ${target} (${why})`);
    if (target === '') {
      report('empty link');
      continue;
    }
    // Another site (https:, mailto:, …) or a protocol-relative URL: not checked here.
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue;
    const hash = target.indexOf('#');
    const [pathPart, anchor] = hash < 0 ? [target, undefined] : [target.slice(0, hash), target.slice(hash + 1)];
    let path = page;
    if (pathPart !== '') {
      let decoded: string;
      try {
        decoded = decodeURIComponent(pathPart.split('?')[0] ?? '');
      } catch {
        report('malformed percent-encoding');
        continue;
      }
      const joined = decoded.startsWith('/') ? decoded.slice(1) : posix.join(posix.dirname(page), decoded);
      path = posix.normalize(joined).replace(/\/+$/, '');
      if (path === '..' || path.startsWith('../')) {
        report('outside the repository');
        continue;
      }
      if (path !== '.' && !repository.has(path)) {
        report('no such file or folder in the repository');
        continue;
      }
    }
    if (anchor === undefined || !path.toLowerCase().endsWith('.md')) continue;
    const targetText = path === page ? text : repository.markdown(path);
    if (targetText === undefined) report('page cannot be read');
    else if (!anchorsOf(targetText).has(decodeURIComponent(anchor))) report(`no heading #${anchor} in ${path}`);
  }
  return broken;
}

/** The repository's files as a fresh clone would have them, plus new files not ignored by git. */
const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\0')
  .filter((file) => file !== '' && existsSync(`${root}${file}`));
const fileSet = new Set(files);
const folderSet = new Set(
  files.flatMap((file) =>
    file
      .split('/')
      .slice(0, -1)
      .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
  ),
);
const repository: Repository = {
  has: (path) => fileSet.has(path) || folderSet.has(path),
  markdown: (path) => (fileSet.has(path) ? readFileSync(`${root}${path}`, 'utf8') : undefined),
};
const pages = [...new Set(files)].filter((file) => file === 'README.md' || /^docs\/[^/]+\.md$/.test(file)).sort();

describe('the documentation links land', () => {
  it('reads the pages it checks', () => {
    expect(pages).toContain('README.md');
    expect(pages).toContain('docs/architecture.md');
    const readme = repository.markdown('README.md') ?? '';
    expect(linksOf(readme).filter(({ target }) => target.startsWith('docs/')).length).toBeGreaterThan(10);
  });

  it('every relative link in README.md and docs/*.md names a repository file and an existing heading', () => {
    const broken = pages.flatMap((page) => brokenLinks(page, repository.markdown(page) ?? '', repository));
    expect(broken).toEqual([]);
  });

  it('the check itself catches a missing file, a path out of the repository and a missing heading', () => {
    const repo: Repository = {
      has: (path) => ['docs/a.md', 'docs', 'lib', 'lib/x.ts', 'README.md'].includes(path),
      markdown: (path) =>
        ({ 'docs/a.md': '# Page A\n\n## The `lib/x` part: ok?\n\n## Twice\n\n## Twice\n', 'README.md': '# R' })[path],
    };
    const check = (text: string) => brokenLinks('docs/b.md', text, repo);
    // Each of these is broken.
    expect(check('see [missing](gone.md)')).toEqual([
      'docs/b.md:1: gone.md (no such file or folder in the repository)',
    ]);
    expect(check('\n![shot](screenshots/none.png)')).toHaveLength(1);
    expect(check('[out](../../elsewhere/x.md)')).toEqual([
      'docs/b.md:1: ../../elsewhere/x.md (outside the repository)',
    ]);
    expect(check('[here](#nowhere)\n\n# Somewhere')).toEqual([
      'docs/b.md:1: #nowhere (no heading #nowhere in docs/b.md)',
    ]);
    expect(check('[there](a.md#the-lib-x-part)')).toHaveLength(1);
    expect(check('[empty]()')).toHaveLength(1);
    expect(check('[ref]: missing.md')).toHaveLength(1);
    expect(check('a [link that\nwraps](nope.md)')).toEqual([
      'docs/b.md:1: nope.md (no such file or folder in the repository)',
    ]);
    // Each of these lands, or is not a link of this repository.
    expect(check('[a](a.md) [a2](./a.md) [readme](../README.md) [code](../lib/x.ts) [folder](../lib/)')).toEqual([]);
    expect(check('[part](a.md#the-libx-part-ok) [twice](a.md#twice-1) [self](#b)\n\n# B')).toEqual([]);
    expect(check('[site](https://example.com/x.md) [mail](mailto:a@example.com) <https://example.com>')).toEqual([]);
    expect(check('```md\n[in a fence](gone.md)\n```\n\n`[in a span](gone.md)` and ``[two](gone.md)``')).toEqual([]);
    expect(check('[titled](a.md "A page") [angled](<a.md>)')).toEqual([]);
  });

  it('spells heading ids as GitHub does', () => {
    expect(slug('The protocol core: `lib/oauth1`')).toBe('the-protocol-core-liboauth1');
    expect(slug('TLS and `PUBLIC_URL`')).toBe('tls-and-public_url');
    expect(slug('Companion HTTP API (v1)')).toBe('companion-http-api-v1');
    expect(slug('`dpop_stale`: the clocks differ')).toBe('dpop_stale-the-clocks-differ');
    expect(slug('See [Sources](#sources) — now')).toBe('see-sources--now');
  });
});
