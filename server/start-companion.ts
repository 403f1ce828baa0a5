import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { createApp } from './app';
import { retirementNotices } from './config/retirement';
import { loadSettings } from './config/settings';
import { nodeOAuthCrypto } from './crypto/node-oauth-crypto';
import { answerClientErrors } from './http/client-errors';
import { listen, SLOW_CLIENT_LIMITS } from './listen';
import { createMetrics } from './metrics';
import type { ServiceContext } from './services/context';
import { interruptStrandedFlows } from './services/flows';
import { WriteThrottle } from './services/write-throttle';
import { openStore } from './store/open-store';
import { AnswerBudget } from './upstream/answer-budget';
import { logRefusedSignatures } from './upstream/signature-debug';
import { undiciTransport } from './upstream/transport';
import { defaultUserAgent } from './upstream/user-agent';
import { Vault } from './vault/vault';

export interface RunningCompanion {
  /** Where it listens, e.g. http://127.0.0.1:8787 */
  readonly url: string;
  readonly context: ServiceContext;
  /** Stops accepting, lets requests in flight finish, closes the store. */
  close(): Promise<void>;
}

/** How long an upstream call may take, and how much of its answer we hold. */
const UPSTREAM_TIMEOUT_MS = 15_000;
const UPSTREAM_MAX_BYTES = 5 * 1024 * 1024;

/**
 * The answer budget of the settings, of which one install may hold a quarter,
 * but always at least one largest upload and its largest answer.
 */
export function answerBudgetOf(
  capacityBytes: number,
  maxResponseBytes = UPSTREAM_MAX_BYTES,
  maxUploadBytes = 0,
): AnswerBudget {
  const oneInstall = Math.max(capacityBytes / 4, maxResponseBytes + maxUploadBytes);
  return new AnswerBudget(capacityBytes, Math.min(capacityBytes, oneInstall));
}

/**
 * Starts the companion configured by `env` (docs/architecture.md, "Configuration"), logging to `logger`.
 * @throws ConfigError for a bad environment or provider file; ListenError when PORT or HOST cannot be listened on
 */
export async function startCompanion(
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger,
): Promise<RunningCompanion> {
  const settings = loadSettings(env);
  for (const warning of settings.warnings) logger.warn(warning);
  for (const notice of retirementNotices(settings.providers.values(), Date.now())) logger.warn(notice);
  const store = openStore(settings.databaseUrl);
  await store.migrate();
  const context: ServiceContext = {
    settings,
    store,
    vault: new Vault(settings.vaultKeys),
    upstream: {
      transport: undiciTransport(),
      crypto: nodeOAuthCrypto(),
      now: Date.now,
      timeoutMs: UPSTREAM_TIMEOUT_MS,
      maxResponseBytes: UPSTREAM_MAX_BYTES,
      answerBudget: answerBudgetOf(settings.answerBudgetBytes, UPSTREAM_MAX_BYTES, settings.maxUploadBytes),
      userAgent: defaultUserAgent(settings.publicUrl),
      clockOffsets: new Map(),
      onRefusedSignature: settings.debugSignatures ? logRefusedSignatures(logger) : undefined,
    },
    now: Date.now,
    lastSeenWrites: new WriteThrottle(),
  };
  const app = createApp({ context, logger, metrics: createMetrics(context.upstream.answerBudget) });

  let server: Server;
  try {
    server = await listen(
      app.fetch,
      { who: 'the companion', port: settings.port, host: settings.host, portVariable: 'PORT', hostVariable: 'HOST' },
      SLOW_CLIENT_LIMITS,
      { perAddress: settings.connectionsPerAddress },
    );
  } catch (error) {
    // In-process callers (npm start, the browser tests) live on; the store must not stay open.
    await store.close();
    throw error;
  }
  answerClientErrors(server);
  // Flows a crash cut off while they completed end now, with a code the extension turns into "connect again".
  const interruptedCount = await interruptStrandedFlows(context, true);
  if (interruptedCount > 0) {
    logger.warn(
      { flows: interruptedCount },
      'connections were being completed when the companion stopped: they end as flow_interrupted; a token the provider issued for them was not stored',
    );
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const url = `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${port}`;
  logger.info(
    { url, publicUrl: settings.publicUrl, store: store.kind, providers: [...settings.providers.keys()] },
    'companion listening',
  );

  // Expired proofs, flows and rate windows go away on their own.
  const sweeper = setInterval(() => {
    store.sweep(Date.now()).catch((error: unknown) => logger.error({ err: error }, 'sweep failed'));
    interruptStrandedFlows(context, false).catch((error: unknown) => logger.error({ err: error }, 'sweep failed'));
  }, 60_000);
  sweeper.unref();

  return {
    url,
    context,
    async close() {
      clearInterval(sweeper);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}
