import { Hono } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from 'pino';
import type { HealthResponse } from '../lib/protocol';
import { type OpenApiDocument, openApiDocument } from '../lib/protocol/openapi';
import { CompanionError, noSuchEndpoint, problemOf } from './errors';
import { v1BodyLimit } from './http/body-limits';
import { requireProof } from './http/dpop-middleware';
import type { CompanionEnv } from './http/env';
import { metricsAccess, type RemoteAddressOf, socketRemoteAddress } from './http/metrics-access';
import type { Metrics } from './metrics';
import { accountsRoutes } from './routes/accounts';
import { callbackRoutes } from './routes/callback';
import { flowsRoutes } from './routes/flows';
import { installsRoutes } from './routes/installs';
import { providersRoutes } from './routes/providers';
import type { ServiceContext } from './services/context';

/** How long a client waits before trying again when the database is away: a restart or failover takes seconds. */
const STORE_RETRY_AFTER_SECONDS = 2;

export interface AppDependencies {
  readonly context: ServiceContext;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Where a request comes from: its socket's address, unless a test says otherwise. */
  readonly remoteAddressOf?: RemoteAddressOf;
}

/**
 * The companion's HTTP app: the v1 API of docs/architecture.md behind DPoP, the
 * callback page, health, metrics and the OpenAPI document (lib/protocol/openapi.ts). Errors are thrown as CompanionError
 * anywhere and turned into RFC 9457 problem answers here, once.
 */
export function createApp({ context, logger, metrics, remoteAddressOf = socketRemoteAddress }: AppDependencies) {
  const app = new Hono<CompanionEnv>();

  app.use(async (c, next) => {
    c.set('context', context);
    c.set('logger', logger);
    const started = performance.now();
    await next();
    const route = routePath(c) ?? 'unmatched';
    const labels = { route, method: c.req.method };
    const seconds = (performance.now() - started) / 1000;
    metrics.requests.inc({ ...labels, status: String(c.res.status) });
    metrics.duration.observe(labels, seconds);
    // The path only: queries (the callback's oauth_token and verifier) and headers (proofs) are never logged.
    logger.info(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(seconds * 1000) },
      'request',
    );
  });

  app.use('/v1/*', v1BodyLimit(context.settings.maxUploadBytes));
  app.use('/v1/*', requireProof);

  app.route('/v1/providers', providersRoutes);
  app.route('/v1/flows', flowsRoutes);
  app.route('/v1/accounts', accountsRoutes);
  app.route('/v1/installs', installsRoutes);
  app.route('/oauth', callbackRoutes);

  app.get('/healthz', async (c) => {
    await context.store.ping();
    const answer: HealthResponse = { ok: true, store: context.store.kind };
    return c.json(answer);
  });
  app.get(
    '/metrics',
    metricsAccess(context.settings.metricsToken, remoteAddressOf, context.settings.publicUrl),
    async (c) => c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }),
  );

  // The contract, generated on first ask and kept: it cannot change while the process runs.
  let contract: OpenApiDocument | undefined;
  app.get('/openapi.json', (c) => {
    contract ??= openApiDocument({ serverUrl: context.settings.publicUrl });
    return c.json(contract);
  });

  app.notFound(() => {
    throw noSuchEndpoint();
  });

  /** A thrown error that is no CompanionError: the database being away is the client's to retry, anything else ours. */
  const unexpected = (error: Error, path: string): CompanionError => {
    if (context.store.isUnavailable(error)) {
      logger.warn({ err: error, path }, 'store unavailable');
      return new CompanionError(
        'store_unavailable',
        "the companion's database cannot be reached; try again shortly",
        undefined,
        { 'retry-after': String(STORE_RETRY_AFTER_SECONDS) },
      );
    }
    logger.error({ err: error, path }, 'unexpected error');
    return new CompanionError('internal_error', 'the companion failed; see its log');
  };

  app.onError((error, c) => {
    const known = error instanceof CompanionError ? error : unexpected(error, c.req.path);
    metrics.problems.inc({ code: known.code });
    const problem = problemOf(known);
    return c.json(problem, problem.status as 400, { 'content-type': 'application/problem+json', ...known.headers });
  });

  return app;
}
