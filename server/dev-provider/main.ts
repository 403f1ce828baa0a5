/**
 * `npm run dev-provider`: the local OAuth 1.0a provider on its own port
 * (DEV_PROVIDER_PORT, 8788), with the consumer DEV_CONSUMER_KEY /
 * DEV_CONSUMER_SECRET. Development only.
 */
import { pathToFileURL } from 'node:url';
import { ListenError } from '../listen';
import { type RunningDevProvider, startDevProvider } from './start-dev-provider';

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const consumerSecret = process.env.DEV_CONSUMER_SECRET;
  if (!consumerSecret) {
    console.error(
      'Set DEV_CONSUMER_SECRET (and optionally DEV_CONSUMER_KEY, DEV_PROVIDER_PORT) to run the dev provider.',
    );
    process.exit(1);
  }
  let running: RunningDevProvider;
  try {
    running = await startDevProvider({
      port: Number(process.env.DEV_PROVIDER_PORT ?? 8788),
      host: process.env.DEV_PROVIDER_HOST ?? '127.0.0.1',
      consumerKey: process.env.DEV_CONSUMER_KEY ?? 'dev-consumer-key',
      consumerSecret,
    });
  } catch (error) {
    // A busy port is the operator's to fix: the message says how, a stack trace would not.
    if (!(error instanceof ListenError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  console.log(`dev provider listening on ${running.url} (statuses: ${running.url}/statuses)`);
  const stop = async () => {
    await running.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}
