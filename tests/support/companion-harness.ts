import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { createApp } from '../../server/app';
import { type Provider, ProviderEntry, resolveProvider } from '../../server/config/providers';
import type { Settings } from '../../server/config/settings';
import { nodeOAuthCrypto } from '../../server/crypto/node-oauth-crypto';
import { createDevProvider } from '../../server/dev-provider/app';
import { devPhotosEntry, devProviderEntry as devProviderConfig } from '../../server/dev-provider/companion-entry';
import { createMetrics } from '../../server/metrics';
import type { ServiceContext } from '../../server/services/context';
import { WriteThrottle } from '../../server/services/write-throttle';
import { answerBudgetOf } from '../../server/start-companion';
import { openSqliteStore } from '../../server/store/sqlite-store';
import type { Store } from '../../server/store/store';
import type { AnswerBudget } from '../../server/upstream/answer-budget';
import { logRefusedSignatures } from '../../server/upstream/signature-debug';
import { fetchTransport } from '../../server/upstream/transport';
import { defaultUserAgent } from '../../server/upstream/user-agent';
import { Vault } from '../../server/vault/vault';
import { checkDocumentedAnswer } from './documented-answers';
import { makeInstall, type TestInstall } from './dpop';

export const PUBLIC_URL = 'http://companion.test';
export const DEV_ORIGIN = 'http://dev.test';
export const DEV_CONSUMER = { key: 'dev-consumer-key', secret: 'dev-consumer-secret-0123456789' };

/** The companion's configuration entry for a dev provider at `origin`, parsed as start-up would. */
export function devProviderEntry(origin: string, overrides: Record<string, unknown> = {}) {
  return ProviderEntry.parse(devProviderConfig(origin, DEV_CONSUMER.key, overrides));
}

export interface HarnessOptions {
  /** More providers, keyed by origin, each served in process by its own fetch handler. */
  readonly extraProviders?: readonly {
    provider: Provider;
    fetch: (request: Request) => Response | Promise<Response>;
  }[];
  readonly store?: Store;
  readonly timeoutMs?: number;
  readonly maxResponseBytes?: number;
  /** UPLOAD_MAX_MB, in bytes (20 MiB by default). */
  readonly maxUploadBytes?: number;
  /** The answer budget (see server/upstream/answer-budget.ts); 48 MiB, a quarter per install, by default. */
  readonly answerBudget?: AnswerBudget;
  readonly vaultKeys?: Settings['vaultKeys'];
  readonly logger?: pino.Logger;
  readonly limits?: Partial<Settings['limits']>;
  /** DEBUG_SIGNATURES: refused signatures are logged to `logger`, wired as start-companion.ts does. */
  readonly debugSignatures?: boolean;
  /** Also the `dev-photos` provider (Flickr's and SmugMug's upload rules), with changes to its entry. */
  readonly photosProvider?: Record<string, unknown>;
}

/**
 * A companion app wired to an in-process dev provider: real signing, real
 * verification on both sides, a real SQLite store; only the socket between
 * them is skipped (the routes are called with app.request()).
 */
export async function makeHarness(options: HarnessOptions = {}) {
  const clock = { now: Date.now(), providerSkewMs: 0 };
  const dev = createDevProvider({
    consumerKey: DEV_CONSUMER.key,
    consumerSecret: DEV_CONSUMER.secret,
    now: () => clock.now + clock.providerSkewMs,
  });
  const handlers = new Map<string, (request: Request) => Response | Promise<Response>>([
    [DEV_ORIGIN, (r) => dev.app.fetch(r)],
  ]);
  const providers = new Map<string, Provider>([
    ['dev', resolveProvider(devProviderEntry(DEV_ORIGIN), { DEV_CONSUMER_SECRET: DEV_CONSUMER.secret })],
  ]);
  if (options.photosProvider) {
    const entry = ProviderEntry.parse({ ...devPhotosEntry(DEV_ORIGIN, DEV_CONSUMER.key), ...options.photosProvider });
    providers.set('dev-photos', resolveProvider(entry, { DEV_CONSUMER_SECRET: DEV_CONSUMER.secret }));
  }
  for (const extra of options.extraProviders ?? []) {
    providers.set(extra.provider.id, extra.provider);
    handlers.set(new URL(extra.provider.requestTokenUrl).origin, extra.fetch);
  }
  const upstreamCalls: Request[] = [];
  const upstreamFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    upstreamCalls.push(request.clone());
    const handler = handlers.get(new URL(request.url).origin);
    if (!handler) throw new TypeError(`fetch failed: no route to ${new URL(request.url).origin}`);
    // Like a real fetch, give up when the request's signal fires (the companion's timeout).
    return new Promise<Response>((resolve, reject) => {
      request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true });
      Promise.resolve(handler(request)).then(resolve, reject);
    });
  };

  const settings: Settings = {
    port: 0,
    host: '127.0.0.1',
    publicUrl: PUBLIC_URL,
    databaseUrl: 'sqlite::memory:',
    vaultKeys: options.vaultKeys ?? [{ id: 'k1', key: randomBytes(32) }],
    providers,
    production: false,
    limits: {
      flowsPerMinute: 20,
      allFlowsPerMinute: 300,
      requestsPerMinute: 600,
      callsPerMinute: 300,
      ...options.limits,
    },
    answerBudgetBytes: options.answerBudget?.capacityBytes ?? 48 * 1024 * 1024,
    maxUploadBytes: options.maxUploadBytes ?? 20 * 1024 * 1024,
    connectionsPerAddress: 64,
    appName: 'OAuth 1.0a Connect',
    debugSignatures: options.debugSignatures ?? false,
    warnings: [],
  };
  const store = options.store ?? openSqliteStore(':memory:');
  await store.migrate();
  const logger = options.logger ?? pino({ level: 'silent' });
  const context: ServiceContext = {
    settings,
    store,
    vault: new Vault(settings.vaultKeys),
    upstream: {
      transport: fetchTransport(upstreamFetch),
      crypto: nodeOAuthCrypto(),
      now: () => clock.now,
      timeoutMs: options.timeoutMs ?? 5000,
      maxResponseBytes: options.maxResponseBytes ?? 1024 * 1024,
      answerBudget:
        options.answerBudget ??
        answerBudgetOf(settings.answerBudgetBytes, options.maxResponseBytes ?? 1024 * 1024, settings.maxUploadBytes),
      userAgent: defaultUserAgent(PUBLIC_URL),
      clockOffsets: new Map(),
      onRefusedSignature: settings.debugSignatures ? logRefusedSignatures(logger) : undefined,
    },
    now: () => clock.now,
    lastSeenWrites: new WriteThrottle(),
  };
  const metrics = createMetrics(context.upstream.answerBudget);
  const app = createApp({ context, logger, metrics });
  const install = await makeInstall();

  /**
   * Calls the companion as an install would: with a fresh DPoP proof for this method and URL.
   * @throws Error when the answer is not what the OpenAPI document says (tests/support/documented-answers.ts)
   */
  async function call(
    method: string,
    path: string,
    init: { body?: unknown; as?: TestInstall; headers?: Record<string, string>; proof?: string | null } = {},
  ) {
    const who = init.as ?? install;
    const iat = Math.floor(clock.now / 1000);
    const proof =
      init.proof === undefined ? await who.proof(method, `${PUBLIC_URL}${path.split('?')[0]}`, { iat }) : init.proof;
    const headers: Record<string, string> = { ...(proof ? { dpop: proof } : {}), ...init.headers };
    const multipart = init.body instanceof FormData;
    if (init.body !== undefined && !multipart && !headers['content-type']) headers['content-type'] = 'application/json';
    const body =
      init.body === undefined
        ? null
        : typeof init.body === 'string' || multipart
          ? (init.body as string | FormData)
          : JSON.stringify(init.body);
    const response = await app.request(`${PUBLIC_URL}${path}`, { method, headers, body });
    // Every answer a test gets is held to the contract: documented route, status, media type, headers, body.
    await checkDocumentedAnswer(method, path, response);
    const type = response.headers.get('content-type') ?? '';
    const json = type.includes('json') ? await response.json() : undefined;
    return {
      status: response.status,
      headers: response.headers,
      json: json as Record<string, unknown> & { code?: string },
    };
  }

  /** The user at the dev provider's authorize page: approves (as a demo user) or cancels. */
  async function decide(authorizeUrl: string, decision: 'authorize' | 'cancel', userId = '1001') {
    const token = new URL(authorizeUrl).searchParams.get('oauth_token') ?? '';
    const page = await dev.app.fetch(new Request(authorizeUrl));
    const response = await dev.app.fetch(
      new Request(`${DEV_ORIGIN}/oauth/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ oauth_token: token, decision, user_id: userId }),
        redirect: 'manual',
      }),
    );
    const html = await response.text();
    return {
      pageStatus: page.status,
      location: response.headers.get('location'),
      pin: /data-testid="pin">(\d+)</.exec(html)?.[1],
      html,
    };
  }

  /** The whole callback flow for the default install, returning the account. */
  async function connect(userId = '1001', as?: TestInstall, provider = 'dev') {
    const created = await call('POST', '/v1/flows', { body: { provider }, ...(as ? { as } : {}) });
    const callback = new URL(
      (await decide(created.json.authorizeUrl as string, 'authorize', userId)).location as string,
    );
    const completed = await call('POST', `/v1/flows/${created.json.flowId}/complete`, {
      body: {
        oauthToken: callback.searchParams.get('oauth_token'),
        oauthVerifier: callback.searchParams.get('oauth_verifier'),
      },
      ...(as ? { as } : {}),
    });
    return completed.json.account as { id: string; screenName: string };
  }

  return { app, context, store, dev, clock, install, call, decide, connect, metrics, upstreamCalls };
}
