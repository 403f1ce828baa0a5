/**
 * `npm run dev-provider`: the local OAuth 1.0a provider on its own port
 * (DEV_PROVIDER_PORT, 8788), with the consumer DEV_CONSUMER_KEY /
 * DEV_CONSUMER_SECRET. Development only.
 */
import { pathToFileURL } from 'node:url';
import { startDevProvider } from './start-dev-provider';

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const consumerSecret = process.env.DEV_CONSUMER_SECRET;
  if (!consumerSecret) {
    console.error(
      'Set DEV_CONSUMER_SECRET (and optionally DEV_CONSUMER_KEY, DEV_PROVIDER_PORT) to run the dev provider.',
    );
    process.exit(1);
  }
  const running = await startDevProvider({
    port: Number(process.env.DEV_PROVIDER_PORT ?? 8788),
    host: process.env.DEV_PROVIDER_HOST ?? '127.0.0.1',
    consumerKey: process.env.DEV_CONSUMER_KEY ?? 'dev-consumer-key',
    consumerSecret,
  });
  console.log(`dev provider listening on ${running.url} (statuses: ${running.url}/statuses)`);
  const stop = async () => {
    await running.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}
