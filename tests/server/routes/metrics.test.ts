import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../server/app';
import { makeHarness, PUBLIC_URL } from '../../support/companion-harness';
import { checkDocumentedAnswer } from '../../support/documented-answers';

const TOKEN = 'metrics-token-0123456789abcdefghijklmnop';
/** A companion for this machine only, as `npm start` runs it. */
const UNPUBLISHED = 'http://127.0.0.1:8787';

type Harness = Awaited<ReturnType<typeof makeHarness>>;
let h: Harness;
beforeAll(async () => {
  h = await makeHarness();
});

/** The companion as a socket at `remote` would see it; app.request() has no socket, so the address is given. */
function appFrom(remote: string | undefined, metricsToken?: string, publicUrl = UNPUBLISHED) {
  const settings = { ...h.context.settings, metricsToken, publicUrl };
  return createApp({
    context: { ...h.context, settings },
    logger: pino({ level: 'silent' }),
    metrics: h.metrics,
    remoteAddressOf: () => remote,
  });
}

async function get(app: ReturnType<typeof createApp>, path: string, headers: Record<string, string> = {}) {
  const response = await app.request(`${PUBLIC_URL}${path}`, { headers });
  await checkDocumentedAnswer('GET', path, response);
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

describe('GET /metrics without METRICS_TOKEN: callers on this machine only', () => {
  it.each(['127.0.0.1', '127.0.0.53', '::1', '::ffff:127.0.0.1'])('answers a loopback socket (%s)', async (remote) => {
    const answer = await get(appFrom(remote), '/metrics');
    expect(answer.status).toBe(200);
    expect(answer.type).toContain('text/plain');
    expect(answer.text).toContain('process_resident_memory_bytes');
  });

  it.each([
    ['another host', '203.0.113.7'],
    ['a private network', '192.168.1.20'],
    ['a mapped IPv4 address off this machine', '::ffff:10.1.2.3'],
    ['no socket at all', undefined],
  ])('answers %s like an unknown path: a not_found problem', async (_case, remote) => {
    const app = appFrom(remote);
    const refused = await get(app, '/metrics');
    expect(refused.status).toBe(404);
    expect(refused.type).toContain('application/problem+json');
    expect(JSON.parse(refused.text)).toMatchObject({ code: 'not_found', status: 404 });
    expect(refused.text).toBe((await get(app, '/no-such-path')).text);
    expect(refused.text).not.toContain('companion_');
  });

  it('refuses even a loopback socket once the companion is published (PUBLIC_URL off this machine)', async () => {
    // A reverse proxy in front of it connects over loopback and may add no header that gives it away.
    for (const published of [PUBLIC_URL, 'https://companion.example', 'http://10.0.0.5:8787']) {
      expect((await get(appFrom('127.0.0.1', undefined, published), '/metrics')).status).toBe(404);
    }
    for (const local of ['http://localhost:8787', 'http://[::1]:8787']) {
      expect((await get(appFrom('127.0.0.1', undefined, local), '/metrics')).status).toBe(200);
    }
  });

  it('refuses a loopback request that a reverse proxy on this machine relayed', async () => {
    const app = appFrom('127.0.0.1');
    for (const header of [
      { 'x-forwarded-for': '198.51.100.4' },
      { forwarded: 'for=198.51.100.4' },
      { 'x-real-ip': '198.51.100.4' },
    ]) {
      expect((await get(app, '/metrics', header)).status).toBe(404);
    }
  });

  it('ignores a Bearer token when none is configured: a remote caller is still refused', async () => {
    expect((await get(appFrom('203.0.113.7'), '/metrics', { authorization: `Bearer ${TOKEN}` })).status).toBe(404);
  });
});

describe('GET /metrics with METRICS_TOKEN: the Bearer token, from anywhere', () => {
  it('answers the right token from another host', async () => {
    const answer = await get(appFrom('203.0.113.7', TOKEN), '/metrics', { authorization: `Bearer ${TOKEN}` });
    expect(answer.status).toBe(200);
    expect(answer.text).toMatch(/companion_http_requests_total/);
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong token', { authorization: `Bearer ${TOKEN.slice(0, -1)}X` }],
    ['a prefix of the token', { authorization: `Bearer ${TOKEN.slice(0, 10)}` }],
    ['the token under another scheme', { authorization: `Basic ${TOKEN}` }],
    ['a DPoP proof instead', { dpop: 'eyJ0eXAiOiJkcG9wK2p3dCJ9.e30.sig' }],
  ])('refuses %s, even from loopback, with the not_found problem', async (_case, headers) => {
    const app = appFrom('127.0.0.1', TOKEN);
    const refused = await get(app, '/metrics', headers);
    expect(refused.status).toBe(404);
    expect(refused.text).toBe((await get(app, '/no-such-path')).text);
  });
});
