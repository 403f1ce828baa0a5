/**
 * `npm start`: runs the product on this machine: the local dev provider, the
 * companion configured for it, and the built extension for Chrome and Firefox.
 * Ctrl-C stops both servers cleanly.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import pino from 'pino';
import { devProviderEntry } from '../server/dev-provider/companion-entry';
import { startDevProvider } from '../server/dev-provider/start-dev-provider';
import { startCompanion } from '../server/start-companion';

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

// A fresh development consumer secret each run: the dev provider and the companion share it in this process.
const consumer = { key: 'dev-consumer-key', secret: randomBytes(24).toString('base64url') };
const dev = await startDevProvider({
  port: devPort,
  host: '127.0.0.1',
  consumerKey: consumer.key,
  consumerSecret: consumer.secret,
  consumerName: 'OAuth 1.0a Connect (dev)',
});

const env: Record<string, string | undefined> = {
  ...process.env,
  PORT: String(companionPort),
  DEV_CONSUMER_SECRET: consumer.secret,
};
if (!env.COMPANION_CONFIG) {
  mkdirSync('data', { recursive: true });
  const path = resolve('data/dev-companion.json');
  writeFileSync(path, `${JSON.stringify({ providers: [devProviderEntry(dev.url, consumer.key)] }, null, 2)}\n`);
  env.COMPANION_CONFIG = path;
}
const companion = await startCompanion(env, pino({ name: 'companion', level: process.env.LOG_LEVEL ?? 'warn' }));

console.log(`
Running:
  companion      ${companion.url}  (providers: ${[...companion.context.settings.providers.keys()].join(', ')})
  dev provider   ${dev.url}  (statuses it received: ${dev.url}/statuses)

Load the extension (built for ${companionUrl}):
  Chrome / Chromium: chrome://extensions → Developer mode → "Load unpacked" → ${resolve('.output/chrome-mv3')}
  Firefox:           about:debugging#/runtime/this-firefox → "Load Temporary Add-on…" → ${resolve('.output/firefox-mv3/manifest.json')}

Ctrl-C stops.`);

const stop = async () => {
  await companion.close();
  await dev.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
