import { beforeEach, describe, expect, it } from 'vitest';
import { interruptStrandedFlows, STRANDED_AFTER_MS } from '../../../server/services/flows';
import { makeHarness } from '../../support/companion-harness';
import { makeInstall } from '../../support/dpop';

type Harness = Awaited<ReturnType<typeof makeHarness>>;
let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});

describe('the three-legged flow through the companion', () => {
  it('lists the configured providers with their modes', async () => {
    const { status, json } = await h.call('GET', '/v1/providers');
    expect(status).toBe(200);
    expect(json).toEqual({
      providers: [
        {
          id: 'dev',
          name: 'Dev provider',
          modes: ['callback', 'oob'],
          apiBaseUrls: expect.any(Array),
          accessLevels: ['read', 'write'],
        },
      ],
    });
  });

  it('connects with a callback: request token, authorize, complete, account', async () => {
    const created = await h.call('POST', '/v1/flows', { body: { provider: 'dev' } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      callbackUrl: 'http://companion.test/oauth/callback',
      authorizeUrl: expect.stringMatching(/^http:\/\/dev\.test\/oauth\/authorize\?oauth_token=/),
    });
    expect(Date.parse(created.json.expiresAt as string) - h.clock.now).toBe(10 * 60 * 1000);

    const decision = await h.decide(created.json.authorizeUrl as string, 'authorize', '1002');
    const callback = new URL(decision.location as string);
    expect(callback.origin + callback.pathname).toBe('http://companion.test/oauth/callback');
    expect(callback.searchParams.get('oauth_token')).toBe(created.json.requestToken);

    const completed = await h.call('POST', `/v1/flows/${created.json.flowId}/complete`, {
      body: {
        oauthToken: callback.searchParams.get('oauth_token'),
        oauthVerifier: callback.searchParams.get('oauth_verifier'),
      },
    });
    expect(completed.status).toBe(201);
    expect(completed.json.account).toMatchObject({
      provider: 'dev',
      userId: '1002',
      screenName: 'bob',
      status: 'active',
      lastUsedAt: null,
    });
    const listed = await h.call('GET', '/v1/accounts');
    expect(listed.json.accounts).toEqual([completed.json.account]);
  });

  it('connects with a PIN (oob)', async () => {
    const created = await h.call('POST', '/v1/flows', { body: { provider: 'dev', mode: 'oob' } });
    expect(created.json.callbackUrl).toBeNull();
    const { pin } = await h.decide(created.json.authorizeUrl as string, 'authorize');
    expect(pin).toMatch(/^\d{7}$/);
    const completed = await h.call('POST', `/v1/flows/${created.json.flowId}/complete`, {
      body: { oauthVerifier: pin },
    });
    expect(completed.status).toBe(201);
    expect(completed.json.account).toMatchObject({ screenName: 'alice' });
  });

  it('asks for a forced login on authenticate with a screen name', async () => {
    const created = await h.call('POST', '/v1/flows', {
      body: { provider: 'dev', forceLogin: true, screenName: 'alice' },
    });
    const url = new URL(created.json.authorizeUrl as string);
    expect(url.pathname).toBe('/oauth/authenticate');
    expect(url.searchParams.get('force_login')).toBe('true');
    expect(url.searchParams.get('screen_name')).toBe('alice');
  });

  it('upserts: connecting the same user again keeps one account, another user adds one', async () => {
    const first = await h.connect('1001');
    const again = await h.connect('1001');
    expect(again.id).toBe(first.id);
    await h.connect('1002');
    expect(((await h.call('GET', '/v1/accounts')).json.accounts as unknown[]).length).toBe(2);
  });

  it('cancels a flow (204), after which it cannot complete', async () => {
    const created = await h.call('POST', '/v1/flows', { body: { provider: 'dev' } });
    expect((await h.call('DELETE', `/v1/flows/${created.json.flowId}`)).status).toBe(204);
    const late = await h.call('POST', `/v1/flows/${created.json.flowId}/complete`, {
      body: { oauthToken: created.json.requestToken, oauthVerifier: 'x' },
    });
    expect(late.json.code).toBe('flow_not_found');
  });

  it('ends the flow with flow_denied when the user declines at the provider', async () => {
    const created = await h.call('POST', '/v1/flows', { body: { provider: 'dev' } });
    const { location } = await h.decide(created.json.authorizeUrl as string, 'cancel');
    const denied = new URL(location as string).searchParams.get('denied');
    expect(denied).toBe(created.json.requestToken);
    const answer = await h.call('POST', `/v1/flows/${created.json.flowId}/complete`, { body: { denied } });
    expect(answer.status).toBe(403);
    expect(answer.json.code).toBe('flow_denied');
    expect(await h.store.findFlow(created.json.flowId as string)).toBeUndefined();
  });

  it('serves the callback landing page without echoing the URL', async () => {
    const response = await h.app.request('http://companion.test/oauth/callback?oauth_token=<script>&oauth_verifier=v');
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html).toContain('You can close this tab');
    expect(html).not.toContain('<script>');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const denied = await (await h.app.request('http://companion.test/oauth/callback?denied=abc')).text();
    expect(denied).toContain('You declined');
  });
});

describe('flow rules (threat model: forged or replayed callbacks complete nothing)', () => {
  it('refuses a callback carrying another oauth_token (token_mismatch) and keeps the flow usable', async () => {
    const created = await h.call('POST', '/v1/flows', { body: { provider: 'dev' } });
    const forged = await h.call('POST', `/v1/flows/${created.json.flowId}/complete`, {
      body: { oauthToken: 'attacker-token', oauthVerifier: 'attacker-verifier' },
    });
    expect(forged.status).toBe(400);
    expect(forged.json.code).toBe('token_mismatch');
    expect((await h.store.findFlow(created.json.flowId as string))?.state).toBe('pending');
    expect((await h.call('GET', '/v1/accounts')).json.accounts).toEqual([]);
  });

  it('completes once: the same callback again completes nothing', async () => {
    const created = await h.call('POST', '/v1/flows', { body: { provider: 'dev' } });
    const callback = new URL((await h.decide(created.json.authorizeUrl as string, 'authorize')).location as string);
    const body = {
      oauthToken: callback.searchParams.get('oauth_token'),
      oauthVerifier: callback.searchParams.get('oauth_verifier'),
    };
    expect((await h.call('POST', `/v1/flows/${created.json.flowId}/complete`, { body })).status).toBe(201);
    const again = await h.call('POST', `/v1/flows/${created.json.flowId}/complete`, { body });
    expect(again.json.code).toBe('flow_not_found');
  });

  it('completes once when two completions race', async () => {
    const created = await h.call('POST', '/v1/flows', { body: { provider: 'dev' } });
    const callback = new URL((await h.decide(created.json.authorizeUrl as string, 'authorize')).location as string);
    const body = {
      oauthToken: callback.searchParams.get('oauth_token'),
      oauthVerifier: callback.searchParams.get('oauth_verifier'),
    };
    const answers = await Promise.all(
      [1, 2].map(() => h.call('POST', `/v1/flows/${created.json.flowId}/complete`, { body })),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    // The loser finds the flow being completed, or already gone, depending on timing.
    expect(['flow_completed', 'flow_not_found']).toContain(answers.find((a) => a.status !== 201)?.json.code);
    expect((await h.call('GET', '/v1/accounts')).json.accounts).toHaveLength(1);
  });

  it('refuses a flow of another install as if it did not exist', async () => {
    const created = await h.call('POST', '/v1/flows', { body: { provider: 'dev' } });
    const other = await makeInstall();
    const stolen = await h.call('POST', `/v1/flows/${created.json.flowId}/complete`, {
      as: other,
      body: { oauthToken: created.json.requestToken, oauthVerifier: 'v' },
    });
    expect(stolen.json.code).toBe('flow_not_found');
    expect((await h.call('DELETE', `/v1/flows/${created.json.flowId}`, { as: other })).json.code).toBe(
      'flow_not_found',
    );
  });

  it('refuses an expired flow (flow_expired) after 10 minutes', async () => {
    const created = await h.call('POST', '/v1/flows', { body: { provider: 'dev' } });
    const callback = new URL((await h.decide(created.json.authorizeUrl as string, 'authorize')).location as string);
    h.clock.now += 10 * 60 * 1000;
    const late = await h.call('POST', `/v1/flows/${created.json.flowId}/complete`, {
      body: {
        oauthToken: callback.searchParams.get('oauth_token'),
        oauthVerifier: callback.searchParams.get('oauth_verifier'),
      },
    });
    expect(late.status).toBe(410);
    expect(late.json.code).toBe('flow_expired');
  });

  it('keeps the flow open when the provider refuses the verifier (a mistyped PIN): the right one still connects', async () => {
    const created = await h.call('POST', '/v1/flows', { body: { provider: 'dev', mode: 'oob' } });
    const { pin } = await h.decide(created.json.authorizeUrl as string, 'authorize');
    const wrong = await h.call('POST', `/v1/flows/${created.json.flowId}/complete`, {
      body: { oauthVerifier: '0000000' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.json.code).toBe('verifier_rejected');
    expect((await h.store.findFlow(created.json.flowId as string))?.state).toBe('pending');
    const right = await h.call('POST', `/v1/flows/${created.json.flowId}/complete`, {
      body: { oauthVerifier: pin },
    });
    expect(right.status).toBe(201);
    expect(right.json.account).toMatchObject({ screenName: 'alice' });
  });

  it('still ends the flow on any other refusal of the token exchange (provider_error)', async () => {
    const created = await h.call('POST', '/v1/flows', { body: { provider: 'dev' } });
    await h.decide(created.json.authorizeUrl as string, 'authorize');
    // The request token is gone at the provider (89, "Invalid or expired token"): not the user's mistake.
    h.dev.state.requestTokens.clear();
    const refused = await h.call('POST', `/v1/flows/${created.json.flowId}/complete`, {
      body: { oauthToken: created.json.requestToken, oauthVerifier: 'whatever' },
    });
    expect(refused.json.code).toBe('provider_error');
    expect(await h.store.findFlow(created.json.flowId as string)).toBeUndefined();
  });

  it('refuses unknown providers', async () => {
    expect((await h.call('POST', '/v1/flows', { body: { provider: 'nope' } })).json.code).toBe('unknown_provider');
  });

  it('ends at once a flow whose completion a crash cut off: after a restart, or once its claim is too old', async () => {
    // A claim with no process behind it any more: the companion died between the provider's token and the commit.
    const cut = await h.call('POST', '/v1/flows', { body: { provider: 'dev' } });
    const callback = new URL((await h.decide(cut.json.authorizeUrl as string, 'authorize')).location as string);
    await h.store.claimFlow(cut.json.flowId as string, h.install.installId, h.clock.now);
    expect(await interruptStrandedFlows(h.context, true)).toBe(1);
    const retried = await h.call('POST', `/v1/flows/${cut.json.flowId}/complete`, {
      body: {
        oauthToken: callback.searchParams.get('oauth_token'),
        oauthVerifier: callback.searchParams.get('oauth_verifier'),
      },
    });
    expect(retried.status).toBe(410);
    expect(retried.json.code).toBe('flow_interrupted');
    expect(await h.store.findFlow(cut.json.flowId as string)).toBeUndefined();

    // Without a restart (another instance died): a claim older than any completion can take.
    const old = await h.call('POST', '/v1/flows', { body: { provider: 'dev' } });
    await h.store.claimFlow(old.json.flowId as string, h.install.installId, h.clock.now);
    h.clock.now += STRANDED_AFTER_MS + 1;
    expect((await h.call('DELETE', `/v1/flows/${old.json.flowId}`)).status).toBe(204);
    expect(await h.store.findFlow(old.json.flowId as string)).toBeUndefined();
  });

  it('refuses to cancel a flow while it completes', async () => {
    const created = await h.call('POST', '/v1/flows', { body: { provider: 'dev' } });
    await h.store.claimFlow(created.json.flowId as string, h.install.installId, h.clock.now);
    const cancel = await h.call('DELETE', `/v1/flows/${created.json.flowId}`);
    expect(cancel.json.code).toBe('flow_completed');
  });

  it('invalidates at the provider a token it could not keep', async () => {
    const created = await h.call('POST', '/v1/flows', { body: { provider: 'dev' } });
    const callback = new URL((await h.decide(created.json.authorizeUrl as string, 'authorize')).location as string);
    // The flow is swept while the exchange runs: the token the provider issued must not stay valid.
    const claim = h.store.completeFlowWithAccount.bind(h.store);
    h.store.completeFlowWithAccount = async (flowId, ...rest) => {
      await h.store.deleteFlow(flowId);
      return claim(flowId, ...rest);
    };
    const answer = await h.call('POST', `/v1/flows/${created.json.flowId}/complete`, {
      body: {
        oauthToken: callback.searchParams.get('oauth_token'),
        oauthVerifier: callback.searchParams.get('oauth_verifier'),
      },
    });
    expect(answer.json.code).toBe('flow_expired');
    expect(h.dev.state.accessTokens.size).toBe(0);
    expect((await h.call('GET', '/v1/accounts')).json.accounts).toEqual([]);
  });
});
