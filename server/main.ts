/**
 * `npm run server`: the companion alone, configured by the environment
 * (PORT, HOST, PUBLIC_URL, DATABASE_URL, VAULT_KEY, COMPANION_CONFIG; LOG_FORMAT=json
 * for JSON logs outside production).
 */
import { pathToFileURL } from 'node:url';
import { ConfigError } from './config/providers';
import { ListenError } from './listen';
import { createLogger } from './logging';
import { startCompanion } from './start-companion';
import { VaultError } from './vault/vault';

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const logger = createLogger({ name: 'companion', env: process.env });
  try {
    const companion = await startCompanion(process.env, logger);
    const stop = async (signal: string) => {
      logger.info({ signal }, 'shutting down: finishing requests in flight');
      await companion.close();
      process.exit(0);
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
  } catch (error) {
    // Configuration (VAULT_KEY included) and port errors say what to fix: print them plainly, without a stack, and stop.
    if (error instanceof ConfigError || error instanceof VaultError || error instanceof ListenError) {
      logger.fatal(error.message);
    } else logger.fatal({ err: error }, (error as Error).message);
    process.exit(1);
  }
}
