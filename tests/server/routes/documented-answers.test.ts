/**
 * Every route, every status and every error code the OpenAPI document lists
 * for it, reached for real: each answer goes through the harness, which holds
 * it to the document (tests/support/documented-answers.ts). The last test
 * fails when a documented answer was never reached, so the document cannot
 * promise codes a route does not give.
 */
import { type Context, Hono } from 'hono';
import pino from 'pino';
import { describe, expect, inject, it } from 'vitest';
import { answersOf, ROUTES, type RouteContract } from '../../../lib/protocol/routes';
import { createApp } from '../../../server/app';
import { openPostgresStore } from '../../../server/store/postgres-store';
import { AnswerBudget } from '../../../server/upstream/answer-budget';
import { type HarnessOptions, makeHarness, PUBLIC_URL } from '../../support/companion-harness';
import { answered, checkDocumentedAnswer } from '../../support/documented-answers';
import { freshDatabase } from '../../support/fresh-database';
import { startTcpRelay } from '../../support/tcp-relay';
import { STUB_REQUEST_TOKEN, stubProvider } from '../support/stub-provider';

/** How the stub provider answers next: its way of failing, or `ok`. */
let upstream: 'ok' | 'unreachable' | 'hang' | 'huge' | 'unconfirmed' | 'read-only' = 'ok';
/** The user the stub's identity endpoint says the token belongs to. */
let stubUserId = 9;
const MAX_ANSWER_BYTES = 64 * 1024;
const budget = new AnswerBudget(4 * 1024 * 1024);

function misbehaving(ok: (c: Context) => Response) {
  return (c: Context): Response | Promise<Response> => {
    if (upstream === 'hang') return new Promise<Response>(() => undefined);
    if (upstream === 'huge') return c.text('x'.repeat(MAX_ANSWER_BYTES * 2));
    return ok(c);
  };
}

const stubApp = new Hono()
  .post(
    '/oauth/request_token',
    misbehaving((c) =>
      c.text(
        `oauth_token=${STUB_REQUEST_TOKEN}&oauth_token_secret=s${upstream === 'unconfirmed' ? '' : '&oauth_callback_confirmed=true'}`,
      ),
    ),
  )
  .post(
    '/oauth/access_token',
    misbehaving((c) =>
      c.req.header('authorization')?.includes('oauth_verifier="mistyped"')
        ? c.json({ errors: [{ code: 32, message: 'Invalid oauth_verifier parameter' }] }, 401)
        : c.text('oauth_token=a&oauth_token_secret=b'),
    ),
  )
  .get(
    '/oauth/identity',
    misbehaving((c) => c.json({ id: stubUserId, username: `stub${stubUserId}` })),
  )
  .get(
    '/api/thing',
    misbehaving((c) =>
      upstream === 'read-only' ? c.json({ error: 'Read-only application cannot POST.' }, 401) : c.json({ thing: 1 }),
    ),
  );

/** The network between the companion and the stub: down while `upstream` is `unreachable`. */
function reachStub(request: Request): Response | Promise<Response> {
  return upstream === 'unreachable' ? Promise.reject(new TypeError('fetch failed')) : stubApp.fetch(request);
}

/** A companion with the stub provider (`discogs`: callback mode only) and short upstream limits. */
function harness(options: HarnessOptions = {}) {
  upstream = 'ok';
  stubUserId = 9;
  return makeHarness({
    extraProviders: [{ provider: stubProvider('stub-consumer-secret', { id: 'discogs' }), fetch: reachStub }],
    timeoutMs: 200,
    maxResponseBytes: MAX_ANSWER_BYTES,
    answerBudget: budget,
    limits: { flowsPerMinute: 1000, allFlowsPerMinute: 1000, requestsPerMinute: 1000, callsPerMinute: 1000 },
    ...options,
  });
}
type Harness = Awaited<ReturnType<typeof harness>>;

/** The route's path with its parameters filled in: well-formed ids of nothing, unless given. */
function concrete(route: RouteContract, ids: Record<string, string> = {}): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? 'no-such-id');
}

const named = (routes: readonly RouteContract[]) =>
  routes.map((route) => [`${route.method} ${route.path}`, route] as const);
const v1 = ROUTES.filter((route) => route.auth === 'dpop');

async function expectCode(answer: Promise<{ json: { code?: string } }>, code: string) {
  expect((await answer).json.code).toBe(code);
}

describe('every /v1 route, through its middleware', () => {
  it.each(named(v1))('%s: each refused proof (401)', async (_name, route) => {
    const h = await harness();
    const path = concrete(route);
    const iat = Math.floor(h.clock.now / 1000);
    await expectCode(h.call(route.method, path, { proof: null }), 'dpop_missing');
    await expectCode(h.call(route.method, path, { proof: 'not.a.proof' }), 'dpop_invalid');
    const elsewhere = await h.install.proof(route.method, `${PUBLIC_URL}/v1/elsewhere`, { iat });
    await expectCode(h.call(route.method, path, { proof: elsewhere }), 'dpop_mismatch');
    const stale = await h.install.proof(route.method, `${PUBLIC_URL}${path}`, { iat: iat - 120 });
    await expectCode(h.call(route.method, path, { proof: stale }), 'dpop_stale');
    const once = await h.install.proof(route.method, `${PUBLIC_URL}${path}`, { iat });
    await h.call(route.method, path, { proof: once });
    await expectCode(h.call(route.method, path, { proof: once }), 'dpop_replayed');
  });

  it.each(named(v1.filter((route) => route.method !== 'GET')))('%s: a body over 256 KiB (413)', async (_n, route) => {
    const h = await harness();
    const body = JSON.stringify({ padding: 'x'.repeat(300_000) });
    await expectCode(h.call(route.method, concrete(route), { body }), 'body_too_large');
  });

  it('answers internal_error when the store is gone, on every /v1 route and /healthz (500)', async () => {
    const h = await harness();
    await h.store.close();
    for (const route of [...v1, ...ROUTES.filter((r) => r.path === '/healthz')]) {
      await expectCode(h.call(route.method, concrete(route)), 'internal_error');
    }
  });

  it('answers store_unavailable with Retry-After when PostgreSQL cannot be reached, on every /v1 route and /healthz (503)', async () => {
    // A real PostgreSQL store, reached through a relay that is then cut: connections reset, then refused.
    const database = new URL(await freshDatabase(inject('postgresUrl')));
    const relay = await startTcpRelay({ host: database.hostname, port: Number(database.port) });
    database.port = String(relay.port);
    const store = openPostgresStore(database.href);
    const h = await harness({ store });
    try {
      expect((await h.call('GET', '/healthz')).status).toBe(200);
      await relay.cut();
      for (const route of [...v1, ...ROUTES.filter((r) => r.path === '/healthz')]) {
        const answer = await h.call(route.method, concrete(route));
        expect(answer.json.code, `${route.method} ${route.path}`).toBe('store_unavailable');
        expect(answer.headers.get('retry-after')).toBe('2');
      }
    } finally {
      await store.close();
    }
  });

  it.each(named(v1.filter((route) => route.pathParams)))('%s: a malformed id (400)', async (_n, route) => {
    const h = await harness();
    const path = route.path.replace(/\{\w+\}/g, 'a'.repeat(65));
    const body = route.requestBody ? { body: {} } : {};
    await expectCode(h.call(route.method, path, body), 'invalid_request');
  });

  it.each(named(v1.filter((route) => route.requestBody)))('%s: bodies refused (415, 400)', async (_n, route) => {
    const h = await harness();
    const path = concrete(route);
    const form = { body: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    await expectCode(h.call(route.method, path, form), 'unsupported_media_type');
    await expectCode(h.call(route.method, path, { body: '{"provider":' }), 'malformed_json');
    const wrong = await h.call(route.method, path, { body: { unknown: true } });
    expect(wrong.json).toMatchObject({ code: 'invalid_request', issues: expect.any(Array) });
  });

  it('rate-limits exactly the routes documented as rate-limited (429 with Retry-After)', async () => {
    const h = await harness({
      limits: { flowsPerMinute: 0, allFlowsPerMinute: 0, requestsPerMinute: 0, callsPerMinute: 0 },
    });
    for (const route of v1) {
      const answer = await h.call(route.method, concrete(route), route.requestBody ? { body: {} } : {});
      expect([route.path, answer.status === 429]).toEqual([route.path, route.rateLimited === true]);
    }
  });
});

describe('the routes outside /v1 need no proof', () => {
  it('serves the callback page, health and this document', async () => {
    const h = await harness();
    for (const path of [
      '/oauth/callback?oauth_token=t&oauth_verifier=v',
      '/oauth/callback?denied=t',
      '/openapi.json',
    ]) {
      const response = await h.app.request(`${PUBLIC_URL}${path}`);
      await checkDocumentedAnswer('GET', path, response);
      expect(response.status).toBe(200);
    }
    expect((await h.call('GET', '/healthz', { proof: null })).json).toEqual({ ok: true, store: 'sqlite' });
  });

  it('serves /metrics to whom it admits, and the not_found problem to anyone else', async () => {
    const h = await harness();
    await expectCode(h.call('GET', '/metrics', { proof: null }), 'not_found');
    const settings = { ...h.context.settings, publicUrl: 'http://127.0.0.1:8787' };
    const local = createApp({
      context: { ...h.context, settings },
      logger: pino({ level: 'silent' }),
      metrics: h.metrics,
      remoteAddressOf: () => '127.0.0.1',
    });
    const response = await local.request(`${PUBLIC_URL}/metrics`);
    await checkDocumentedAnswer('GET', '/metrics', response);
    expect(response.status).toBe(200);
  });
});

/** Starts a flow at the stub provider; `upstream` is `ok` while it does. */
async function startFlow(h: Harness): Promise<string> {
  const created = await h.call('POST', '/v1/flows', { body: { provider: 'discogs' } });
  expect(created.status).toBe(201);
  return String(created.json.flowId);
}

const verifier = { oauthToken: STUB_REQUEST_TOKEN, oauthVerifier: 'v' };

async function connect(h: Harness): Promise<string> {
  const completed = await h.call('POST', `/v1/flows/${await startFlow(h)}/complete`, { body: verifier });
  expect(completed.status).toBe(201);
  return String((completed.json.account as { id: string }).id);
}

/** The same store behind a companion restarted without the stub provider in its configuration. */
function unconfigured(h: Harness) {
  return makeHarness({ store: h.store });
}

/** Calls with the whole answer budget taken by another holder (503 companion_busy). */
async function whileBusy<T>(call: () => Promise<T>): Promise<T> {
  const hog = budget.open('someone-else');
  hog.ensure(budget.capacityBytes);
  try {
    return await call();
  } finally {
    hog.release();
  }
}

/** Each way the provider can fail a call the route passes on (502, 504, 503). */
async function expectProviderFailures(call: () => Promise<{ json: { code?: string } }>, setUp = async () => {}) {
  const cases = [
    ['unreachable', 'provider_error'],
    ['huge', 'upstream_too_large'],
    ['hang', 'upstream_timeout'],
  ] as const;
  for (const [how, code] of cases) {
    await setUp();
    upstream = how;
    await expectCode(call(), code);
    upstream = 'ok';
  }
  await setUp();
  await expectCode(whileBusy(call), 'companion_busy');
}

describe('flows', () => {
  it('creates (201): refused for an unknown provider or mode, an unconfirmed callback, a failing provider', async () => {
    const h = await harness();
    await startFlow(h);
    await expectCode(h.call('POST', '/v1/flows', { body: { provider: 'nope' } }), 'unknown_provider');
    await expectCode(h.call('POST', '/v1/flows', { body: { provider: 'discogs', mode: 'oob' } }), 'mode_not_supported');
    // Discogs has no access levels to choose from.
    await expectCode(
      h.call('POST', '/v1/flows', { body: { provider: 'discogs', access: 'read' } }),
      'access_not_supported',
    );
    upstream = 'unconfirmed';
    await expectCode(h.call('POST', '/v1/flows', { body: { provider: 'discogs' } }), 'callback_not_confirmed');
    upstream = 'ok';
    await expectProviderFailures(() => h.call('POST', '/v1/flows', { body: { provider: 'discogs' } }));
    // Garmin's preset retires OAuth 1.0a on 2026-12-31: from the next day, no new connection.
    const later = await harness({
      extraProviders: [
        { provider: stubProvider('stub-consumer-secret', { id: 'discogs' }), fetch: reachStub },
        { provider: stubProvider('stub-consumer-secret', { id: 'garmin' }), fetch: reachStub },
      ],
    });
    later.clock.now = Date.parse('2027-01-01T00:00:00Z');
    await expectCode(later.call('POST', '/v1/flows', { body: { provider: 'garmin' } }), 'provider_retired');
  });

  it('completes (201), and refuses each way a completion can go wrong', async () => {
    const h = await harness();
    await connect(h);
    const complete = (flowId: string, body: unknown = verifier) =>
      h.call('POST', `/v1/flows/${flowId}/complete`, { body });
    await expectCode(complete('no-such-flow'), 'flow_not_found');
    const flowId = await startFlow(h);
    await expectCode(complete(flowId, { oauthToken: 'another', oauthVerifier: 'v' }), 'token_mismatch');
    const mistyped = await startFlow(h);
    await expectCode(
      complete(mistyped, { oauthToken: STUB_REQUEST_TOKEN, oauthVerifier: 'mistyped' }),
      'verifier_rejected',
    );
    expect((await complete(mistyped)).status).toBe(201);
    await expectCode(complete(flowId, { denied: STUB_REQUEST_TOKEN }), 'flow_denied');
    const claimed = await startFlow(h);
    await h.store.claimFlow(claimed, h.install.installId, h.clock.now);
    await expectCode(complete(claimed), 'flow_completed');
    const orphan = await startFlow(h);
    const body = { body: verifier, as: h.install };
    await expectCode(
      unconfigured(h).then((u) => u.call('POST', `/v1/flows/${orphan}/complete`, body)),
      'unknown_provider',
    );
    const cut = await startFlow(h);
    await h.store.claimFlow(cut, h.install.installId, h.clock.now);
    await h.store.interruptStrandedFlows(Number.MAX_SAFE_INTEGER);
    await expectCode(complete(cut), 'flow_interrupted');
    const late = await startFlow(h);
    h.clock.now += 10 * 60 * 1000;
    await expectCode(complete(late), 'flow_expired');
    let next = '';
    await expectProviderFailures(
      () => complete(next),
      async () => {
        next = await startFlow(h);
      },
    );
  });

  it('cancels (204), but not a flow of nobody or one being completed', async () => {
    const h = await harness();
    expect((await h.call('DELETE', `/v1/flows/${await startFlow(h)}`)).status).toBe(204);
    await expectCode(h.call('DELETE', '/v1/flows/no-such-flow'), 'flow_not_found');
    const claimed = await startFlow(h);
    await h.store.claimFlow(claimed, h.install.installId, h.clock.now);
    await expectCode(h.call('DELETE', `/v1/flows/${claimed}`), 'flow_completed');
  });
});

describe('providers, accounts, the signing proxy, installs', () => {
  it('lists providers and accounts (200)', async () => {
    const h = await harness();
    expect((await h.call('GET', '/v1/providers')).status).toBe(200);
    await connect(h);
    expect((await h.call('GET', '/v1/accounts')).json.accounts).toHaveLength(1);
  });

  it('signs and sends (200), and refuses each way a call can go wrong', async () => {
    const h = await harness();
    const accountId = await connect(h);
    const send = (id = accountId, url = 'https://api.discogs.com/api/thing') =>
      h.call('POST', `/v1/accounts/${id}/requests`, { body: { method: 'GET', url } });
    expect((await send()).json).toMatchObject({ status: 200, bodyEncoding: 'utf8' });
    await expectCode(send('no-such-account'), 'account_not_found');
    await expectCode(send(accountId, 'https://evil.example/api/thing'), 'url_not_allowed');
    await expectProviderFailures(() => send());
    const request = { body: { method: 'GET', url: 'https://api.discogs.com/api/thing' }, as: h.install };
    await expectCode(
      unconfigured(h).then((u) => u.call('POST', `/v1/accounts/${accountId}/requests`, request)),
      'unknown_provider',
    );
    // Uploads: a raw body to a provider that takes none; a file that is not the size it was said to be.
    const upload = (id: string, request: object) => {
      const form = new FormData();
      form.append('request', JSON.stringify(request));
      form.append('f0', new Blob(['four']), 'f0');
      return h.call('POST', `/v1/accounts/${id}/requests`, { body: form });
    };
    const raw = { contentType: 'text/plain', file: 'f0', size: 4 };
    await expectCode(
      upload(accountId, { method: 'POST', url: 'https://api.discogs.com/api/thing', raw }),
      'upload_not_allowed',
    );
    const file = { name: 'media', filename: 'a.txt', contentType: 'text/plain', file: 'f0', size: 5 };
    const devAccount = await h.connect();
    await expectCode(
      upload(devAccount.id, { method: 'POST', url: 'http://dev.test/2/media/upload', multipart: [file] }),
      'upload_mismatch',
    );
    // A read-only token asked to write: the account needs a reconnect, and says so from then on.
    upstream = 'read-only';
    await expectCode(send(), 'account_needs_reconnect');
    upstream = 'ok';
    await expectCode(send(), 'account_needs_reconnect');
    await h.store.setAccountStatus(accountId, 'invalid');
    await expectCode(send(), 'account_invalid');
  });

  it('reconnects an account in place (201), but not as another user (409) nor one of nobody (404)', async () => {
    const h = await harness();
    const accountId = await connect(h);
    await expectCode(
      h.call('POST', '/v1/flows', { body: { provider: 'discogs', accountId: 'no-such-account' } }),
      'account_not_found',
    );
    const again = await h.call('POST', '/v1/flows', { body: { provider: 'discogs', accountId } });
    const same = await h.call('POST', `/v1/flows/${again.json.flowId}/complete`, { body: verifier });
    expect((same.json.account as { id: string }).id).toBe(accountId);
    stubUserId = 10;
    const other = await h.call('POST', '/v1/flows', { body: { provider: 'discogs', accountId } });
    await expectCode(
      h.call('POST', `/v1/flows/${other.json.flowId}/complete`, { body: verifier }),
      'reconnect_other_user',
    );
    expect((await h.call('GET', '/v1/accounts')).json.accounts).toHaveLength(1);
  });

  it('revokes an account (200), then finds it no more; forgets the install (200)', async () => {
    const h = await harness();
    const accountId = await connect(h);
    expect((await h.call('DELETE', `/v1/accounts/${accountId}`)).json).toEqual({
      revoked: true,
      providerRevoked: 'unsupported',
    });
    await expectCode(h.call('DELETE', `/v1/accounts/${accountId}`), 'account_not_found');
    await connect(h);
    expect((await h.call('DELETE', '/v1/installs/me')).json).toEqual({ accountsRevoked: 1 });
  });
});

describe('the document promises nothing the routes do not do', () => {
  it('reached every documented route, status and error code', () => {
    const documented = ROUTES.flatMap((route) =>
      answersOf(route).flatMap((answer) =>
        (answer.codes ?? [undefined]).map((code) =>
          [route.method, route.path, answer.status, code].filter((part) => part !== undefined).join(' '),
        ),
      ),
    );
    const unreached = documented.filter((answer) => !answered.has(answer));
    expect(
      unreached,
      'documented but never answered: reach each in this file, or drop it from lib/protocol/routes.ts',
    ).toEqual([]);
  });
});
