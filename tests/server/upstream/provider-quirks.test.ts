import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { parseAuthorizationHeader } from '../../../lib/oauth1';
import packageJson from '../../../package.json' with { type: 'json' };
import { DEV_ORIGIN, makeHarness, PUBLIC_URL } from '../../support/companion-harness';
import { connectAtStub, stubProvider, withTokenEndpoints } from '../support/stub-provider';

const API = 'https://api.discogs.com';
const protocolOf = (request: Request | undefined) =>
  parseAuthorizationHeader(request?.headers.get('authorization') ?? '');

/**
 * A Discogs-preset stub whose API takes only timestamps within five minutes of
 * its own clock, an hour ahead of ours, and refuses the others as `refusal` says.
 */
function clockAheadProvider(refusal: (window: [number, number]) => Response, ourNow: () => number) {
  const app = withTokenEndpoints(new Hono(), '/oauth', { token: 'tok', tokenSecret: 'tok-secret' })
    .get('/oauth/identity', (c) => c.json({ id: 7, username: 'crate-digger' }))
    .get('/releases/1', (c) => {
      const stamp = Number(new Map(protocolOf(c.req.raw).parameters).get('oauth_timestamp'));
      const providerNow = Math.floor(ourNow() / 1000) + 3600;
      const window: [number, number] = [providerNow - 300, providerNow + 300];
      return stamp >= window[0] && stamp <= window[1] ? c.json({ title: 'Homogenic' }) : refusal(window);
    });
  return { provider: stubProvider('discogs-secret', { id: 'discogs' }), fetch: (r: Request) => app.fetch(r) };
}

async function harnessWith(refusal: (window: [number, number]) => Response) {
  const clock = { now: () => Date.now() };
  const h = await makeHarness({ extraProviders: [clockAheadProvider(refusal, () => clock.now())] });
  clock.now = () => h.clock.now;
  return h;
}

describe('transport quirks, per provider', () => {
  it('sends the companion’s User-Agent on every call, token calls included', async () => {
    const h = await makeHarness();
    const account = await h.connect('1001');
    await h.call('POST', `/v1/accounts/${account.id}/requests`, {
      body: { method: 'GET', url: `${DEV_ORIGIN}/1.1/account/verify_credentials.json` },
    });
    const agents = new Set(h.upstreamCalls.map((call) => call.headers.get('user-agent')));
    expect(agents).toEqual(new Set([`${packageJson.name}/${packageJson.version} (+${PUBLIC_URL})`]));
  });

  it('sends a provider’s own User-Agent and realm when its entry sets them', async () => {
    const app = withTokenEndpoints(new Hono(), '/oauth', { token: 'tok', tokenSecret: 'tok-secret' }).get(
      '/oauth/identity',
      (c) => c.json({ id: 7, username: 'crate-digger' }),
    );
    const provider = stubProvider('discogs-secret', {
      id: 'discogs',
      userAgent: 'crate-app/2.0 (+https://crate.example)',
      realm: 'ACCT 1234',
    });
    const h = await makeHarness({ extraProviders: [{ provider, fetch: (r) => app.fetch(r) }] });
    await connectAtStub(h, 'discogs');
    const calls = h.upstreamCalls.filter((call) => call.url.startsWith(API));
    expect(calls.length).toBe(3);
    for (const call of calls) {
      expect(call.headers.get('user-agent')).toBe('crate-app/2.0 (+https://crate.example)');
      expect(protocolOf(call).realm).toBe('ACCT 1234');
    }
  });

  it('the dev provider, like Discogs, refuses a call without a User-Agent', async () => {
    const h = await makeHarness();
    const answer = await h.dev.app.fetch(new Request(`${DEV_ORIGIN}/oauth/request_token`, { method: 'POST' }));
    expect(answer.status).toBe(403);
    expect(await answer.text()).toContain('User-Agent');
  });

  it.each([
    [
      'in WWW-Authenticate',
      ([first, last]: [number, number]) =>
        new Response('', {
          status: 401,
          headers: {
            'www-authenticate': `OAuth realm="api", oauth_problem="timestamp_refused", oauth_acceptable_timestamps="${first}-${last}"`,
          },
        }),
    ],
    [
      'in a form-encoded body',
      ([first, last]: [number, number]) =>
        new Response(`oauth_problem=timestamp_refused&oauth_acceptable_timestamps=${first}-${last}`, {
          status: 401,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
    ],
  ])(
    'retries once within oauth_acceptable_timestamps when the provider answers timestamp_refused %s',
    async (_where, refusal) => {
      const h = await harnessWith(refusal);
      const account = await connectAtStub(h, 'discogs');
      const sent = h.upstreamCalls.length;
      const answer = await h.call('POST', `/v1/accounts/${account.id}/requests`, {
        body: { method: 'GET', url: `${API}/releases/1` },
      });
      expect(answer.json).toMatchObject({ status: 200 });
      expect(h.upstreamCalls.length - sent).toBe(2);
      // Whole seconds on the provider's side: within a second or so of an hour.
      expect(Math.abs((h.context.upstream.clockOffsets.get('discogs') ?? 0) - 3600_000)).toBeLessThan(1500);
      // The offset is kept: the next call is right the first time.
      await h.call('POST', `/v1/accounts/${account.id}/requests`, {
        body: { method: 'GET', url: `${API}/releases/1` },
      });
      expect(h.upstreamCalls.length - sent).toBe(3);
    },
  );

  it.each([
    [
      'an API that echoes its input in an error',
      () =>
        Response.json(
          { echo: 'x&oauth_problem=timestamp_refused&oauth_acceptable_timestamps=1-1&y=' },
          { status: 401 },
        ),
    ],
    [
      'a window a day or more away',
      () => new Response('oauth_problem=timestamp_refused&oauth_acceptable_timestamps=1-1', { status: 401 }),
    ],
  ])('does not follow the clock of %s', async (_what, refusal) => {
    const h = await harnessWith(refusal);
    const account = await connectAtStub(h, 'discogs');
    const sent = h.upstreamCalls.length;
    await h.call('POST', `/v1/accounts/${account.id}/requests`, { body: { method: 'GET', url: `${API}/releases/1` } });
    expect(h.upstreamCalls.length - sent).toBe(1);
    expect(h.context.upstream.clockOffsets.get('discogs')).toBeUndefined();
  });

  it('does not retry a timestamp_refused that gives no clock to go by', async () => {
    const h = await harnessWith(() => new Response('oauth_problem=timestamp_refused', { status: 401 }));
    const account = await connectAtStub(h, 'discogs');
    const sent = h.upstreamCalls.length;
    const answer = await h.call('POST', `/v1/accounts/${account.id}/requests`, {
      body: { method: 'GET', url: `${API}/releases/1` },
    });
    expect(answer.json).toMatchObject({ status: 401 });
    expect(h.upstreamCalls.length - sent).toBe(1);
  });
});
