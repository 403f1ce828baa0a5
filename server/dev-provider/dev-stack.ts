import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { type RunningCompanion, startCompanion } from '../start-companion';
import { devProviderEntry } from './companion-entry';
import { type RunningDevProvider, startDevProvider } from './start-dev-provider';

export interface DevStack {
  readonly companion: RunningCompanion;
  readonly dev: RunningDevProvider;
  readonly consumerSecret: string;
  close(): Promise<void>;
}

/**
 * The dev provider and a companion configured for it, in this process, with
 * a fresh development consumer secret that only the two of them share: for
 * `npm start` and the browser tests. `configPath` receives the generated
 * COMPANION_CONFIG; `env` adds to the companion's environment; `onStep` is
 * told what starts next ("Starting the dev provider on …").
 * @throws ListenError when either port is taken (nothing is left running then); ConfigError from the companion
 */
export async function startDevStack(options: {
  readonly companionPort: number;
  readonly devPort: number;
  readonly configPath: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
  readonly consumerName?: string;
  readonly onStep?: (step: string) => void;
  /** Changes to the dev provider's COMPANION_CONFIG entry, given its URL (e.g. another revocation recipe). */
  readonly providerOverrides?: (devUrl: string) => Record<string, unknown>;
}): Promise<DevStack> {
  const consumer = { key: 'dev-consumer-key', secret: randomBytes(24).toString('base64url') };
  options.onStep?.(`Starting the dev provider on http://127.0.0.1:${options.devPort}…`);
  const dev = await startDevProvider({
    port: options.devPort,
    host: '127.0.0.1',
    consumerKey: consumer.key,
    consumerSecret: consumer.secret,
    consumerName: options.consumerName ?? 'OAuth 1.0a Connect (dev)',
  });
  mkdirSync(dirname(options.configPath), { recursive: true });
  writeFileSync(
    options.configPath,
    `${JSON.stringify({ providers: [devProviderEntry(dev.url, consumer.key, options.providerOverrides?.(dev.url))] }, null, 2)}\n`,
  );
  options.onStep?.(`Starting the companion on http://${options.env.HOST ?? '127.0.0.1'}:${options.companionPort}…`);
  let companion: RunningCompanion;
  try {
    companion = await startCompanion(
      {
        ...options.env,
        PORT: String(options.companionPort),
        COMPANION_CONFIG: options.configPath,
        DEV_CONSUMER_SECRET: consumer.secret,
      },
      options.logger,
    );
  } catch (error) {
    // A half-started stack would keep the process alive and the dev port taken.
    await dev.close();
    throw error;
  }
  return {
    companion,
    dev,
    consumerSecret: consumer.secret,
    async close() {
      await companion.close();
      await dev.close();
    },
  };
}
