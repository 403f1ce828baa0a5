import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startDevStack } from '../../../server/dev-provider/dev-stack';
import { servePeek } from './dev-provider-peek';

/** Where the built extension expects the companion (its default WXT_COMPANION_URL), and the dev provider beside it. */
export const COMPANION_PORT = 8787;
export const DEV_PROVIDER_PORT = 8788;

/**
 * The real companion and dev provider for the browser tests, on loopback,
 * with a fresh in-memory database; stopped when the run ends.
 */
export default async function globalSetup() {
  const stack = await startDevStack({
    companionPort: COMPANION_PORT,
    devPort: DEV_PROVIDER_PORT,
    configPath: join(mkdtempSync(join(tmpdir(), 'oauth1-e2e-')), 'companion.json'),
    env: { HOST: '127.0.0.1', DATABASE_URL: 'sqlite::memory:', VAULT_KEY: randomBytes(32).toString('base64') },
    logger: pino({ level: 'silent' }),
    consumerName: 'OAuth 1.0a Connect (e2e)',
    // The browsers revoke the way Trello does (DELETE /1/tokens/{token}); the companion tests cover X's POST.
    providerOverrides: (devUrl) => ({
      invalidateTokenUrl: `${devUrl}/1/tokens/{token}`,
      invalidateTokenMethod: 'DELETE',
    }),
  });
  const peekServer = await servePeek(stack.dev.devProvider.state, stack.consumerSecret);
  return async () => {
    peekServer.close();
    await stack.close();
  };
}
