/**
 * The maps stay true: README's folder table and docs/architecture.md name every
 * folder under lib/ and server/, so a new folder cannot hide behind "the rest".
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const folders = (parent: string) =>
  readdirSync(`${root}${parent}`, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `${parent}/${entry.name}/`);

describe('the documented maps name every folder', () => {
  it('README names every lib/ folder', () => {
    const readme = readFileSync(`${root}README.md`, 'utf8');
    expect(folders('lib').filter((folder) => !readme.includes(`\`${folder}\``))).toEqual([]);
  });

  it('docs/architecture.md names every lib/ and server/ folder', () => {
    const architecture = readFileSync(`${root}docs/architecture.md`, 'utf8');
    const named = (folder: string) =>
      architecture.includes(`\`${folder}\``) || architecture.includes(`\`${folder.replace(/^server\//, '')}\``);
    expect([...folders('lib'), ...folders('server')].filter((folder) => !named(folder))).toEqual([]);
  });
});
