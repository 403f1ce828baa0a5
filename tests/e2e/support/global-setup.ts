import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { devProviderEntry } from '../../../server/dev-provider/companion-entry';
import { startDevProvider } from '../../../server/dev-provider/start-dev-provider';
import { startCompanion } from '../../../server/start-companion';
import { servePeek } from './dev-provider-peek';

/** Where the built extension expects the companion (its default WXT_COMPANION_URL), and the dev provider beside it. */
export const COMPANION_PORT = 8787;
export const DEV_PROVIDER_PORT = 8788;

/**
 * The real companion and dev provider for the browser tests, on loopback,
 * with a fresh in-memory database; stopped when the run ends.
 */
export default async function globalSetup() {
  const consumer = { key: 'e2e-consumer', secret: randomBytes(18).toString('base64url') };
  const dev = await startDevProvider({
    port: DEV_PROVIDER_PORT,
    host: '127.0.0.1',
    consumerKey: consumer.key,
    consumerSecret: consumer.secret,
    consumerName: 'OAuth 1.0a Connect (e2e)',
  });
  const configPath = join(mkdtempSync(join(tmpdir(), 'oauth1-e2e-')), 'companion.json');
  writeFileSync(configPath, JSON.stringify({ providers: [devProviderEntry(dev.url, consumer.key)] }));
  const companion = await startCompanion(
    {
      PORT: String(COMPANION_PORT),
      HOST: '127.0.0.1',
      DATABASE_URL: 'sqlite::memory:',
      VAULT_KEY: randomBytes(32).toString('base64'),
      COMPANION_CONFIG: configPath,
      DEV_CONSUMER_SECRET: consumer.secret,
    },
    pino({ level: 'silent' }),
  );
  const peekServer = await servePeek(dev.devProvider.state, consumer.secret);
  return async () => {
    peekServer.close();
    await companion.close();
    await dev.close();
  };
}
