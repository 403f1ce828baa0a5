/**
 * `npm start`: runs the product on this machine: the local dev provider, the
 * companion configured for it, and the built extension for Chrome and Firefox.
 * Ctrl-C stops both servers cleanly.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ConfigError } from '../server/config/providers';
import { startDevStack } from '../server/dev-provider/dev-stack';
import { ensurePortFree, ListenError, type ListenTarget } from '../server/listen';
import { createLogger } from '../server/logging';
import { VaultError } from '../server/vault/vault';

const companionPort = Number(process.env.PORT ?? 8787);
const devPort = Number(process.env.DEV_PROVIDER_PORT ?? 8788);
const companionUrl = process.env.WXT_COMPANION_URL ?? `http://127.0.0.1:${companionPort}`;

const ports: ListenTarget[] = [
  {
    who: 'the companion',
    port: companionPort,
    host: process.env.HOST ?? '127.0.0.1',
    portVariable: 'PORT',
    hostVariable: 'HOST',
  },
  // The dev stack always puts the dev provider on loopback.
  {
    who: 'the dev provider',
    port: devPort,
    host: '127.0.0.1',
    portVariable: 'DEV_PROVIDER_PORT',
    hostVariable: 'DEV_PROVIDER_HOST',
  },
];

/** Configuration (VAULT_KEY included) and port errors say what to fix: print them plainly, without a stack, and stop. */
function stopOn(error: unknown): never {
  if (!(error instanceof ListenError || error instanceof ConfigError || error instanceof VaultError)) throw error;
  console.error(`\n${error.message}`);
  process.exit(1);
}

// Before the builds, which take a while: a taken port is the most common reason npm start fails.
for (const target of ports) await ensurePortFree(target).catch(stopOn);

const builds = [
  { browser: 'Chrome / Chromium', step: 'Chrome', args: ['wxt', 'build'] },
  { browser: 'Firefox', step: 'Firefox', args: ['wxt', 'build', '-b', 'firefox', '--mv3'] },
];
for (const build of builds) {
  console.log(`Building the ${build.step} extension…`);
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
  logger: createLogger({ name: 'companion', level: process.env.LOG_LEVEL ?? 'warn', env: process.env }),
  onStep: (step) => console.log(step),
}).catch(stopOn);

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
