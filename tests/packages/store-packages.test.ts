/**
 * The store packages, as a reviewer at the Chrome Web Store or AMO opens them:
 * `npm run zip` for a production companion, then each zip read back. Development
 * helpers (the demo content script and its localhost matches) must not be in
 * them, the Firefox manifest must declare its data collection, `web-ext lint`
 * must find no error, and the sources zip must hold only tracked files.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import webExt from 'web-ext';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { name: string; version: string };
const COMPANION = 'https://companion.example.com';
const zipPath = (kind: 'chrome' | 'firefox' | 'sources') => `${root}.output/${pkg.name}-${pkg.version}-${kind}.zip`;

interface Manifest {
  version: string;
  permissions?: string[];
  host_permissions?: string[];
  optional_host_permissions?: string[];
  content_scripts?: { matches: string[] }[];
  browser_specific_settings?: {
    gecko?: { id?: string; data_collection_permissions?: { required?: string[]; optional?: string[] } };
  };
}

const zips: Record<'chrome' | 'firefox' | 'sources', JSZip> = {} as never;

async function textOf(zip: JSZip, name: string): Promise<string> {
  const file = zip.file(name);
  if (!file) throw new Error(`${name} is not in the zip`);
  return file.async('string');
}

/** Every text file of a zip, joined: what a search of the package would find. */
async function allText(zip: JSZip): Promise<string> {
  const names = Object.keys(zip.files).filter((name) => /\.(js|html|json|css)$/.test(name));
  return (await Promise.all(names.map((name) => textOf(zip, name)))).join('\n');
}

beforeAll(() => {
  for (const kind of ['chrome', 'firefox', 'sources'] as const) rmSync(zipPath(kind), { force: true });
  execFileSync('npm', ['run', 'zip'], {
    cwd: root,
    env: { ...process.env, WXT_COMPANION_URL: COMPANION },
    stdio: 'pipe',
  });
  return Promise.all(
    (['chrome', 'firefox', 'sources'] as const).map(async (kind) => {
      zips[kind] = await JSZip.loadAsync(readFileSync(zipPath(kind)));
    }),
  ).then(() => undefined);
});

describe('npm run zip', () => {
  it('refuses to build a store package for a companion that is not https', () => {
    const result = spawnSync('npx', ['wxt', 'zip', '--mode', 'store'], {
      cwd: root,
      env: { ...process.env, WXT_COMPANION_URL: 'http://127.0.0.1:8787' },
      encoding: 'utf8',
    });
    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain('set WXT_COMPANION_URL=https://');
  });

  it.each(['chrome', 'firefox'] as const)(
    '%s: versioned from package.json, built for the production companion',
    async (kind) => {
      const manifest = JSON.parse(await textOf(zips[kind], 'manifest.json')) as Manifest;
      expect(manifest.version).toBe(pkg.version);
      expect(manifest.host_permissions).toEqual([`${COMPANION}/*`]);
      // The fewest that work (docs/permissions.md): no storage (all state is in IndexedDB).
      expect(manifest.permissions).toEqual(['tabs', 'alarms']);
    },
  );

  it.each(['chrome', 'firefox'] as const)(
    '%s: no demo content script, no localhost match, no dev provider',
    async (kind) => {
      const manifest = JSON.parse(await textOf(zips[kind], 'manifest.json')) as Manifest;
      expect(manifest.content_scripts).toBeUndefined();
      expect(Object.keys(zips[kind].files).filter((name) => /content-scripts|demo/.test(name))).toEqual([]);
      const text = await allText(zips[kind]);
      expect(text).not.toContain('127.0.0.1/demo');
      expect(text).not.toContain('What’s happening');
      expect(text).not.toContain('127.0.0.1:8787');
    },
  );

  it('firefox: declares the data it sends, in Firefox’s categories', async () => {
    const manifest = JSON.parse(await textOf(zips.firefox, 'manifest.json')) as Manifest;
    expect(manifest.browser_specific_settings?.gecko?.id).toBe('oauth1-connect@extension.local');
    expect(manifest.browser_specific_settings?.gecko?.data_collection_permissions).toEqual({
      required: ['authenticationInfo', 'personalCommunications', 'websiteContent'],
    });
  });

  it('firefox: web-ext lint finds no error (and no missing data consent)', async () => {
    const result = await webExt.cmd.lint(
      { sourceDir: `${root}.output/firefox-mv3-store`, output: 'none', selfHosted: false, boring: true },
      { shouldExitProgram: false },
    );
    expect(result.summary.errors).toBe(0);
    expect(result.warnings.map((warning) => warning.code)).not.toContain('MISSING_DATA_COLLECTION_PERMISSIONS');
    // The one warning left is Preact's own innerHTML support, never given page data (docs/permissions.md).
    expect(result.warnings.filter((warning) => warning.code !== 'UNSAFE_VAR_ASSIGNMENT')).toEqual([]);
  });

  it('sources: only files git tracks, so never the development vault key or database in data/', () => {
    const tracked = new Set(execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n'));
    const files = Object.values(zips.sources.files)
      .filter((file) => !file.dir)
      .map((file) => file.name);
    expect(files.filter((name) => !tracked.has(name))).toEqual([]);
    for (const needed of ['package.json', 'package-lock.json', 'wxt.config.ts', 'entrypoints/background.ts']) {
      expect(files).toContain(needed);
    }
  });
});
