/**
 * `npm start`: runs the product on this machine: the local dev provider, the
 * companion configured for it, and the built extension for Chrome and Firefox.
 * Ctrl-C stops both servers cleanly.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import pino from 'pino';
import { startDevStack } from '../server/dev-provider/dev-stack';

const companionPort = Number(process.env.PORT ?? 8787);
const devPort = Number(process.env.DEV_PROVIDER_PORT ?? 8788);
const companionUrl = process.env.WXT_COMPANION_URL ?? `http://127.0.0.1:${companionPort}`;

const builds = [
  { browser: 'Chrome / Chromium', args: ['wxt', 'build'], dir: '.output/chrome-mv3' },
  { browser: 'Firefox', args: ['wxt', 'build', '-b', 'firefox', '--mv3'], dir: '.output/firefox-mv3' },
];
for (const build of builds) {
  const result = spawnSync('npx', build.args, {
    stdio: 'inherit',
    env: { ...process.env, WXT_COMPANION_URL: companionUrl },
  });
  if (result.status !== 0) {
    console.error(`\nThe ${build.browser} build failed (exit ${result.status}).`);
    process.exit(result.status ?? 1);
  }
}

const { companion, dev, close } = await startDevStack({
  companionPort,
  devPort,
  // npm start is the product with the dev provider; your own providers run with npm run server.
  configPath: resolve('data/dev-companion.json'),
  env: process.env,
  logger: pino({ name: 'companion', level: process.env.LOG_LEVEL ?? 'warn' }),
});

console.log(`
Running:
  companion      ${companion.url}  (providers: ${[...companion.context.settings.providers.keys()].join(', ')})
  dev provider   ${dev.url}  (statuses it received: ${dev.url}/statuses)

Load the extension (built for ${companionUrl}):
  Chrome / Chromium: chrome://extensions → Developer mode → "Load unpacked" → ${resolve('.output/chrome-mv3')}
  Firefox:           about:debugging#/runtime/this-firefox → "Load Temporary Add-on…" → ${resolve('.output/firefox-mv3/manifest.json')}

Ctrl-C stops.`);

const stop = async () => {
  await close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
