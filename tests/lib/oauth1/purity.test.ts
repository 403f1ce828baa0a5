/**
 * lib/oauth1 must run unchanged in Node, browsers and extension workers and
 * be testable with the RFC's own examples: it imports nothing outside its
 * folder and does no I/O. These checks fail the moment that slips.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const folder = fileURLToPath(new URL('../../../lib/oauth1/', import.meta.url));
const sources = readdirSync(folder)
  .filter((file) => file.endsWith('.ts'))
  // Comments may name what the code must not use; only code is checked.
  .map((file) => [file, stripComments(readFileSync(`${folder}${file}`, 'utf8'))] as const);

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

describe('lib/oauth1 stays pure', () => {
  it('has sources to check', () => {
    expect(sources.length).toBeGreaterThan(10);
  });

  it.each(sources)('%s imports only from its own folder', (_file, source) => {
    const specifiers = [...source.matchAll(/\b(?:from|import)\s+'([^']+)'/g)].map((m) => m[1]);
    for (const specifier of specifiers) expect(specifier).toMatch(/^\.\/[a-z0-9-]+$/);
    expect(source).not.toMatch(/\bimport\(|\brequire\(/);
  });

  it.each(sources)('%s does no I/O and touches no browser or Node API', (_file, source) => {
    expect(source).not.toMatch(
      /\bfetch\(|XMLHttpRequest|\bchrome\.|\bbrowser\.|\bprocess\.|\bBuffer\b|localStorage|indexedDB/,
    );
  });

  it('reads the clock and the CSPRNG only as overridable defaults', () => {
    const clockReaders = sources.filter(([, source]) => /Date\.now|new Date\(/.test(source)).map(([file]) => file);
    expect(clockReaders).toEqual(['sign-request.ts']);
    const randomReaders = sources
      .filter(([, source]) => /getRandomValues|Math\.random/.test(source))
      .map(([file]) => file);
    expect(randomReaders).toEqual(['nonce.ts']);
    expect(sources.find(([file]) => file === 'sign-request.ts')?.[1]).toMatch(/options\.now \?\? Date\.now/);
  });
});
