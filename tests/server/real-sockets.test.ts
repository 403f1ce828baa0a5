import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCompanion, startCompanion } from '../../server/start-companion';
import { makeInstall, type TestInstall } from '../support/dpop';
import { authorizeOverHttp, callOverHttp, companionEnvironment, startRealDevProvider } from '../support/real-companion';

let real: Awaited<ReturnType<typeof startRealDevProvider>>;
let companion: RunningCompanion;
let install: TestInstall;
const call = (method: string, path: string, body?: unknown) =>
  callOverHttp(companion.url, companion.context.settings.publicUrl, install, method, path, body);

beforeAll(async () => {
  real = await startRealDevProvider();
  companion = await startCompanion(await companionEnvironment(real.configPath), pino({ level: 'silent' }));
  install = await makeInstall();
});
afterAll(async () => {
  await companion.close();
  await real.dev.close();
});

describe('the whole flow over real sockets, companion and dev provider', () => {
  it('connects with a callback, posts a status through the proxy, and revokes', async () => {
    const created = await call('POST', '/v1/flows', { provider: 'dev' });
    expect(created.status).toBe(201);
    const callback = await authorizeOverHttp(created.json.authorizeUrl as string, '1002');
    expect(`${callback.origin}${callback.pathname}`).toBe(`${companion.context.settings.publicUrl}/oauth/callback`);
    const landing = await fetch(callback);
    expect(await landing.text()).toContain('You can close this tab');

    const completed = await call('POST', `/v1/flows/${created.json.flowId}/complete`, {
      oauthToken: callback.searchParams.get('oauth_token'),
      oauthVerifier: callback.searchParams.get('oauth_verifier'),
    });
    expect(completed.status).toBe(201);
    const account = completed.json.account as { id: string; screenName: string };
    expect(account.screenName).toBe('bob');

    const posted = await call('POST', `/v1/accounts/${account.id}/requests`, {
      method: 'POST',
      url: `${real.dev.url}/1.1/statuses/update.json`,
      form: [['status', 'Posted over real sockets ☃']],
    });
    expect(posted.json.status).toBe(200);
    const statuses = await (await fetch(`${real.dev.url}/statuses`)).text();
    expect(statuses).toContain('Posted over real sockets ☃');

    const revoked = await call('DELETE', `/v1/accounts/${account.id}`);
    expect(revoked.json).toEqual({ revoked: true, providerRevoked: true });
    expect(real.dev.devProvider.state.accessTokens.size).toBe(0);
  });

  it('connects with a PIN', async () => {
    const created = await call('POST', '/v1/flows', { provider: 'dev', mode: 'oob' });
    const origin = new URL(created.json.authorizeUrl as string).origin;
    const decision = await fetch(`${origin}/oauth/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        oauth_token: created.json.requestToken as string,
        decision: 'authorize',
        user_id: '1001',
      }),
    });
    const pin = /data-testid="pin">(\d+)</.exec(await decision.text())?.[1];
    const completed = await call('POST', `/v1/flows/${created.json.flowId}/complete`, { oauthVerifier: pin });
    expect((completed.json.account as { screenName: string }).screenName).toBe('alice');
  });

  it('answers health, and Prometheus metrics to a caller on this machine (a loopback socket, no token set)', async () => {
    expect(await (await fetch(`${companion.url}/healthz`)).json()).toEqual({ ok: true, store: 'sqlite' });
    const metrics = await (await fetch(`${companion.url}/metrics`)).text();
    expect(metrics).toMatch(/companion_http_requests_total\{route="\/v1\/flows",method="POST",status="201"\} \d+/);
    expect(metrics).toContain('process_resident_memory_bytes');
  });
});

describe('/metrics with METRICS_TOKEN, over a real socket', () => {
  it('wants the Bearer token even from loopback, and answers the not_found problem without it', async () => {
    const token = randomBytes(24).toString('base64url');
    const guarded = await startCompanion(
      await companionEnvironment(real.configPath, { METRICS_TOKEN: token }),
      pino({ level: 'silent' }),
    );
    try {
      const refused = await fetch(`${guarded.url}/metrics`);
      expect(refused.status).toBe(404);
      expect(await refused.json()).toMatchObject({ code: 'not_found' });
      const wrong = await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Bearer ${token}x` } });
      expect(wrong.status).toBe(404);
      const allowed = await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toContain('process_resident_memory_bytes');
    } finally {
      await guarded.close();
    }
  });
});
