import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../../../lib/protocol';
import { type Provider, resolveProvider } from '../../../server/config/providers';
import { devProviderEntry, makeHarness } from '../../support/companion-harness';
import { makeInstall } from '../../support/dpop';

/** A provider at `origin` answered by a small in-process app: for answers the dev provider never gives. */
function oddProvider(id: string, origin: string, app: Hono, overrides: Record<string, unknown> = {}) {
  const provider: Provider = resolveProvider(devProviderEntry(origin, { id, name: id, ...overrides }), {
    DEV_CONSUMER_SECRET: 's',
  });
  return { provider, fetch: (request: Request) => app.fetch(request) };
}

const seen = new Set<ErrorCode>();
function expectProblem(
  answer: { status: number; headers: Headers; json: Record<string, unknown> },
  code: ErrorCode,
  status: number,
) {
  expect(answer.json).toMatchObject({
    code,
    status,
    type: expect.stringContaining(code.replaceAll('_', '-')),
    detail: expect.any(String),
  });
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toContain('application/problem+json');
  seen.add(code);
}

describe('every error is an RFC 9457 problem with a stable code, and changes nothing', () => {
  it('DPoP: missing, malformed, for another URL or method, stale, replayed', async () => {
    const h = await makeHarness();
    expectProblem(await h.call('GET', '/v1/accounts', { proof: null }), 'dpop_missing', 401);
    expectProblem(await h.call('GET', '/v1/accounts', { proof: 'garbage' }), 'dpop_invalid', 401);
    const forProviders = await h.install.proof('GET', 'http://companion.test/v1/providers');
    expectProblem(await h.call('GET', '/v1/accounts', { proof: forProviders }), 'dpop_mismatch', 401);
    const stale = await h.install.proof('GET', 'http://companion.test/v1/accounts', {
      iat: Math.floor(h.clock.now / 1000) - 120,
    });
    expectProblem(await h.call('GET', '/v1/accounts', { proof: stale }), 'dpop_stale', 401);
    const once = await h.install.proof('GET', 'http://companion.test/v1/accounts', {
      iat: Math.floor(h.clock.now / 1000),
    });
    expect((await h.call('GET', '/v1/accounts', { proof: once })).status).toBe(200);
    expectProblem(await h.call('GET', '/v1/accounts', { proof: once }), 'dpop_replayed', 401);
  });

  it('bodies: wrong media type, malformed JSON, wrong shape, too large; bad ids; unknown routes', async () => {
    const h = await makeHarness();
    expectProblem(
      await h.call('POST', '/v1/flows', {
        body: 'provider=dev',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      'unsupported_media_type',
      415,
    );
    expectProblem(await h.call('POST', '/v1/flows', { body: '{"provider":' }), 'malformed_json', 400);
    const wrong = await h.call('POST', '/v1/flows', { body: { provider: 'dev', mode: 'carrier-pigeon', extra: 1 } });
    expectProblem(wrong, 'invalid_request', 400);
    expect(wrong.json.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'mode' })]));
    expectProblem(
      await h.call('POST', '/v1/flows', { body: { provider: 'x'.repeat(300_000) } }),
      'body_too_large',
      413,
    );
    expectProblem(await h.call('DELETE', `/v1/flows/${'a'.repeat(65)}`), 'invalid_request', 400);
    expectProblem(await h.call('GET', '/v1/nothing-here'), 'not_found', 404);
    expectProblem(await h.call('PUT', '/v1/accounts'), 'not_found', 404);
    expect(await h.store.listAccounts(h.install.installId)).toEqual([]);
  });

  it('providers: unknown provider, a mode it lacks, a request token without callback confirmation', async () => {
    const unconfirmed = new Hono().post('/oauth/request_token', (c) => c.text('oauth_token=t&oauth_token_secret=s'));
    const h = await makeHarness({
      extraProviders: [
        oddProvider('legacy', 'http://legacy.test', unconfirmed),
        oddProvider('callback-only', 'http://callback-only.test', new Hono(), { modes: ['callback'] }),
      ],
    });
    expectProblem(await h.call('POST', '/v1/flows', { body: { provider: 'nope' } }), 'unknown_provider', 404);
    expectProblem(
      await h.call('POST', '/v1/flows', { body: { provider: 'callback-only', mode: 'oob' } }),
      'mode_not_supported',
      400,
    );
    expectProblem(await h.call('POST', '/v1/flows', { body: { provider: 'legacy' } }), 'callback_not_confirmed', 502);
    expect(await h.store.findFlow('anything')).toBeUndefined();
  });

  it('upstream: a provider that refuses, hangs, or answers too much', async () => {
    const slow = new Hono().post('/oauth/request_token', () => new Promise<Response>(() => undefined));
    const huge = new Hono().post('/oauth/request_token', (c) => c.text('x'.repeat(2048)));
    const refusing = new Hono().post('/oauth/request_token', (c) => c.text('Forbidden', 403));
    const h = await makeHarness({
      timeoutMs: 100,
      maxResponseBytes: 1024,
      extraProviders: [
        oddProvider('slow', 'http://slow.test', slow),
        oddProvider('huge', 'http://huge.test', huge),
        oddProvider('refusing', 'http://refusing.test', refusing),
      ],
    });
    expectProblem(await h.call('POST', '/v1/flows', { body: { provider: 'slow' } }), 'upstream_timeout', 504);
    expectProblem(await h.call('POST', '/v1/flows', { body: { provider: 'huge' } }), 'upstream_too_large', 502);
    const refused = await h.call('POST', '/v1/flows', { body: { provider: 'refusing' } });
    expectProblem(refused, 'provider_error', 502);
    expect(refused.json.detail).toContain('HTTP 403');
  });

  it('limits: 429 with Retry-After after 20 flows a minute per install', async () => {
    const h = await makeHarness();
    for (let i = 0; i < 20; i++)
      expect((await h.call('POST', '/v1/flows', { body: { provider: 'dev' } })).status).toBe(201);
    const limited = await h.call('POST', '/v1/flows', { body: { provider: 'dev' } });
    expectProblem(limited, 'rate_limited', 429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    h.clock.now += 60_000;
    expect((await h.call('POST', '/v1/flows', { body: { provider: 'dev' } })).status).toBe(201);
  });

  it('limits new flows for all installs together: fresh keys do not get around it', async () => {
    const h = await makeHarness({ limits: { allFlowsPerMinute: 3 } });
    for (let i = 0; i < 3; i++) {
      expect((await h.call('POST', '/v1/flows', { body: { provider: 'dev' }, as: await makeInstall() })).status).toBe(
        201,
      );
    }
    const limited = await h.call('POST', '/v1/flows', { body: { provider: 'dev' }, as: await makeInstall() });
    expectProblem(limited, 'rate_limited', 429);
    expect(h.dev.state.requestTokens.size).toBe(3);
  });

  it('anything unexpected is internal_error, without details', async () => {
    const h = await makeHarness();
    await h.store.close(); // the database is gone
    const answer = await h.call('GET', '/v1/accounts');
    expectProblem(answer, 'internal_error', 500);
    expect(answer.json.detail).not.toMatch(/sqlite|database/i);
  });

  it('covers every code of the protocol (the others are pinned in flows and proxy tests)', () => {
    const elsewhere: ErrorCode[] = [
      'flow_not_found',
      'flow_expired',
      'flow_completed',
      'token_mismatch',
      'flow_denied',
      'account_not_found',
      'account_invalid',
      'url_not_allowed',
      'companion_busy', // proxy-answers.test.ts
      'provider_retired', // config/retirement.test.ts
      'access_not_supported', // documented-answers.test.ts, config/authorization-params.test.ts
      'account_needs_reconnect', // documented-answers.test.ts, routes/account-attention.test.ts
      'reconnect_other_user', // documented-answers.test.ts, routes/account-attention.test.ts
      'verifier_rejected', // flows.test.ts, documented-answers.test.ts
      'flow_interrupted', // flows.test.ts, documented-answers.test.ts
      'request_headers_too_large', // client-errors.test.ts: before any route
      'request_timeout', // client-errors.ts: Node's request timeout, before any route
      'upload_mismatch', // proxy-uploads.test.ts
      'upload_not_allowed', // proxy-uploads.test.ts
      'store_unavailable', // documented-answers.test.ts, store/postgres-connection-loss.test.ts
    ];
    expect(ERROR_CODES.filter((code) => !seen.has(code) && !elsewhere.includes(code))).toEqual([]);
  });
});

describe('keys that never do anything leave nothing behind for a day', () => {
  it('writes an install row when an install starts a flow, not for proofs of fresh keys', async () => {
    const h = await makeHarness();
    const touched: string[] = [];
    const touch = h.store.touchInstall.bind(h.store);
    h.store.touchInstall = async (installId, now) => {
      touched.push(installId);
      await touch(installId, now);
    };
    for (let i = 0; i < 5; i++) {
      const fresh = await makeInstall();
      expect((await h.call('GET', '/v1/accounts', { as: fresh })).status).toBe(200);
      expect((await h.call('GET', '/v1/providers', { as: fresh })).status).toBe(200);
    }
    expect(touched).toEqual([]);
    expect((await h.call('POST', '/v1/flows', { body: { provider: 'dev' } })).status).toBe(201);
    expect(touched).toEqual([h.install.installId]);
  });
});
