/**
 * `npm start`: runs the product on this machine. Today that is the built
 * extension for Chrome and Firefox; the companion and the local dev provider
 * join it when they exist (see the open issues).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const builds = [
  { browser: 'Chrome / Chromium', args: ['wxt', 'build'], dir: '.output/chrome-mv3' },
  { browser: 'Firefox', args: ['wxt', 'build', '-b', 'firefox', '--mv3'], dir: '.output/firefox-mv3' },
];

for (const build of builds) {
  const result = spawnSync('npx', build.args, { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`\nThe ${build.browser} build failed (exit ${result.status}).`);
    process.exit(result.status ?? 1);
  }
}

const companion = process.env.WXT_COMPANION_URL ?? 'http://127.0.0.1:8787';
console.log(`
The extension is built (companion URL baked in: ${companion}).

  Chrome / Chromium: open chrome://extensions, turn on Developer mode,
                     "Load unpacked" → ${resolve(builds[0]?.dir ?? '')}
  Firefox:           open about:debugging#/runtime/this-firefox,
                     "Load Temporary Add-on…" → ${resolve(builds[1]?.dir ?? '', 'manifest.json')}
`);
