import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { DEV_ORIGIN, makeHarness } from '../../support/companion-harness';
import { STUB_REQUEST_TOKEN, stubProvider } from '../support/stub-provider';

type Harness = Awaited<ReturnType<typeof makeHarness>>;

/** The whole callback flow at the dev provider, as `userId`, with the flow's extra fields. */
async function connectAs(h: Harness, userId: string, flow: Record<string, unknown>) {
  const created = await h.call('POST', '/v1/flows', { body: { provider: 'dev', ...flow } });
  const callback = new URL(
    (await h.decide(created.json.authorizeUrl as string, 'authorize', userId)).location as string,
  );
  return h.call('POST', `/v1/flows/${created.json.flowId}/complete`, {
    body: {
      oauthToken: callback.searchParams.get('oauth_token'),
      oauthVerifier: callback.searchParams.get('oauth_verifier'),
    },
  });
}

const post = (h: Harness, accountId: string, status: string) =>
  h.call('POST', `/v1/accounts/${accountId}/requests`, {
    body: { method: 'POST', url: `${DEV_ORIGIN}/1.1/statuses/update.json`, form: [['status', status]] },
  });

const statusOf = async (h: Harness, accountId: string) =>
  ((await h.call('GET', '/v1/accounts')).json.accounts as { id: string; status: string; access: string }[]).find(
    (account) => account.id === accountId,
  );

describe('accounts that need attention', () => {
  it('a read-only account that posts needs permission; a reconnect with write fixes it in place', async () => {
    const h = await makeHarness();
    const connected = await connectAs(h, '1001', { access: 'read' });
    const account = connected.json.account as { id: string; access: string };
    expect(account.access).toBe('read');

    const refused = await post(h, account.id, 'hello');
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ code: 'account_needs_reconnect' });
    expect(h.dev.state.statuses).toEqual([]);
    expect(await statusOf(h, account.id)).toMatchObject({ status: 'needs_permission', access: 'read' });
    // From then on, without asking the provider.
    const sent = h.upstreamCalls.length;
    expect((await post(h, account.id, 'again')).json.code).toBe('account_needs_reconnect');
    expect(h.upstreamCalls.length).toBe(sent);

    const reconnected = await connectAs(h, '1001', { accountId: account.id, access: 'write' });
    expect(reconnected.json.account).toMatchObject({ id: account.id, status: 'active', access: 'write' });
    expect((await post(h, account.id, 'now with write')).json).toMatchObject({ status: 200 });
    expect(h.dev.state.statuses.map((status) => status.text)).toEqual(['now with write']);
  });

  it('a reconnect that comes back as another user changes nothing, and its token is invalidated', async () => {
    const h = await makeHarness();
    const alice = (await connectAs(h, '1001', {})).json.account as { id: string };
    const tokensBefore = [...h.dev.state.accessTokens.keys()];
    const wrong = await connectAs(h, '1002', { accountId: alice.id });
    expect(wrong.status).toBe(409);
    expect(wrong.json).toMatchObject({ code: 'reconnect_other_user' });
    expect(wrong.json.detail).toMatch(/signed in @bob, not @alice/);
    expect(
      ((await h.call('GET', '/v1/accounts')).json.accounts as { screenName: string }[]).map((a) => a.screenName),
    ).toEqual(['alice']);
    // Bob's token was issued, and is revoked again at the provider.
    expect([...h.dev.state.accessTokens.keys()]).toEqual(tokensBefore);
  });

  it('does not revoke a token the other user’s own account here may hold (a provider may hand back the same one)', async () => {
    const h = await makeHarness();
    const alice = (await connectAs(h, '1001', {})).json.account as { id: string };
    await connectAs(h, '1002', {});
    const tokensBefore = h.dev.state.accessTokens.size;
    expect((await connectAs(h, '1002', { accountId: alice.id })).json.code).toBe('reconnect_other_user');
    // The token issued to bob is kept at the provider: had it been bob's stored one, revoking it would break his account.
    expect(h.dev.state.accessTokens.size).toBe(tokensBefore + 1);
  });

  it('an account past the expiry its provider gave (oauth_expires_in) needs a reconnect, without a call', async () => {
    const app = new Hono()
      .post('/oauth/request_token', (c) =>
        c.text(`oauth_token=${STUB_REQUEST_TOKEN}&oauth_token_secret=s&oauth_callback_confirmed=true`),
      )
      .post('/oauth/access_token', (c) => c.text('oauth_token=a&oauth_token_secret=b&oauth_expires_in=3600'))
      .get('/oauth/identity', (c) => c.json({ id: 3, username: 'expiring' }))
      .get('/releases/1', (c) => c.json({ title: 'Homogenic' }));
    const h = await makeHarness({
      extraProviders: [{ provider: stubProvider('secret', { id: 'discogs' }), fetch: (r) => app.fetch(r) }],
    });
    const created = await h.call('POST', '/v1/flows', { body: { provider: 'discogs' } });
    const completed = await h.call('POST', `/v1/flows/${created.json.flowId}/complete`, {
      body: { oauthToken: STUB_REQUEST_TOKEN, oauthVerifier: 'v' },
    });
    const account = completed.json.account as { id: string; expiresAt: string };
    expect(Date.parse(account.expiresAt)).toBe(h.clock.now + 3600_000);
    const call = () =>
      h.call('POST', `/v1/accounts/${account.id}/requests`, {
        body: { method: 'GET', url: 'https://api.discogs.com/releases/1' },
      });
    expect((await call()).json).toMatchObject({ status: 200 });
    h.clock.now += 3600_000;
    const sent = h.upstreamCalls.length;
    expect((await call()).json.code).toBe('account_needs_reconnect');
    expect(h.upstreamCalls.length).toBe(sent);
    expect(((await h.call('GET', '/v1/accounts')).json.accounts as { status: string }[])[0]?.status).toBe('expired');
  });
});
