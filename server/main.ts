/**
 * `npm run server`: the companion alone, configured by the environment
 * (PORT, HOST, PUBLIC_URL, DATABASE_URL, VAULT_KEY, COMPANION_CONFIG).
 */
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { startCompanion } from './start-companion';

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const logger = pino({ name: 'companion' });
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
    // Configuration errors say what to fix; print them plainly and stop.
    logger.fatal({ err: error }, (error as Error).message);
    process.exit(1);
  }
}
