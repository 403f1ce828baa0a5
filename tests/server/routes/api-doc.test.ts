/** docs/api.md is what `npm run docs:api` writes from the OpenAPI document now, and its links land. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../../lib/protocol/openapi';
import { ROUTES } from '../../../lib/protocol/routes';
import { renderApiMarkdown, slug } from '../../../scripts/api-markdown';

const written = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');

describe('docs/api.md', () => {
  it('is what npm run docs:api writes now (run it after changing lib/protocol)', () => {
    expect(written).toBe(renderApiMarkdown(openApiDocument()));
  });

  it('has a section for every route, and every in-page link lands on a heading', () => {
    const headings = new Set(
      written
        .split('\n')
        .filter((line) => line.startsWith('#'))
        .map((line) => slug(line.replace(/^#+\s*/, ''))),
    );
    for (const route of ROUTES) expect(headings).toContain(slug(`${route.method} ${route.path}`));
    const anchors = [...written.matchAll(/\]\(#([^)]+)\)/g)].map((match) => match[1]);
    expect(anchors.length).toBeGreaterThan(20);
    expect(anchors.filter((anchor) => !headings.has(anchor ?? ''))).toEqual([]);
  });
});
