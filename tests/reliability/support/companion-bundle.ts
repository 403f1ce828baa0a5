import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The companion as the Dockerfile runs it: package.json's `build:server` (esbuild, no
 * TypeScript loader at run time), written to a folder of its own under node_modules/.cache,
 * where its external packages resolve and where no other run's build lands. Memory is measured
 * on this: under `npm run server`, tsx's loader (a thread with its own heap) adds some 40 MB.
 * @returns the bundle's entry point, and a way to remove the folder
 */
export function buildCompanionBundle(): { entry: string; remove(): void } {
  const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>)[
    'build:server'
  ];
  const words = script?.split(/\s+/) ?? [];
  if (words[0] !== 'esbuild') throw new Error(`build:server is not an esbuild command: ${script}`);
  const cache = join(ROOT, 'node_modules', '.cache', 'oauth1-reliability');
  mkdirSync(cache, { recursive: true });
  const folder = mkdtempSync(join(cache, 'companion-'));
  const args = words.slice(1).filter((word) => !word.startsWith('--outdir='));
  const built = spawnSync(join(ROOT, 'node_modules', '.bin', 'esbuild'), [...args, `--outdir=${folder}`], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`build:server failed: ${built.stderr}`);
  return { entry: join(folder, 'server', 'main.mjs'), remove: () => rmSync(folder, { recursive: true, force: true }) };
}
