import { beforeEach, describe, expect, it } from 'vitest';
import { resolveProvider } from '../../../server/config/providers';
import { DEV_CONSUMER, DEV_ORIGIN, devProviderEntry, makeHarness } from '../../support/companion-harness';
import { makeInstall } from '../../support/dpop';

type Harness = Awaited<ReturnType<typeof makeHarness>>;
let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});

const proxy = (accountId: string, body: unknown) => h.call('POST', `/v1/accounts/${accountId}/requests`, { body });

describe('the signing proxy', () => {
  it('signs a GET with query parameters and returns the provider answer', async () => {
    const account = await h.connect('1001');
    const answer = await proxy(account.id, {
      method: 'GET',
      url: `${DEV_ORIGIN}/1.1/account/verify_credentials.json?include_entities=true`,
      query: [['skip_status', 'true']],
      headers: { Accept: 'application/json', Cookie: 'session=stolen', Authorization: 'Bearer x' },
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ status: 200, bodyEncoding: 'utf8' });
    expect(JSON.parse(answer.json.body as string)).toMatchObject({ id_str: '1001', screen_name: 'alice' });
    const upstream = h.upstreamCalls.at(-1) as Request;
    expect(upstream.url).toBe(
      `${DEV_ORIGIN}/1.1/account/verify_credentials.json?include_entities=true&skip_status=true`,
    );
    expect(upstream.headers.get('cookie')).toBeNull();
    expect(upstream.headers.get('authorization')).toMatch(/^OAuth /);
    expect(upstream.headers.get('accept')).toBe('application/json');
    const [listed] = (await h.call('GET', '/v1/accounts')).json.accounts as { lastUsedAt: string }[];
    expect(listed?.lastUsedAt).not.toBeNull();
  });

  it('signs a form POST: the status reaches the provider as the connected account', async () => {
    const account = await h.connect('1002');
    const answer = await proxy(account.id, {
      method: 'POST',
      url: `${DEV_ORIGIN}/1.1/statuses/update.json`,
      form: [['status', 'Hello Ladies + Gentlemen, a signed OAuth request! ☃']],
    });
    expect(answer.json.status).toBe(200);
    expect(h.dev.state.statuses.map((s) => [s.user.screenName, s.text])).toEqual([
      ['bob', 'Hello Ladies + Gentlemen, a signed OAuth request! ☃'],
    ]);
  });

  it.each([
    ['another host', 'https://evil.example/1.1/statuses/update.json'],
    ['another scheme', 'https://dev.test/1.1/account/verify_credentials.json'],
    ['another port', 'http://dev.test:8080/1.1/account/verify_credentials.json'],
    ['userinfo', 'http://user:pass@dev.test/1.1/account/verify_credentials.json'],
    ['a host that only starts like it', 'http://dev.test.evil.example/1.1/x'],
    ['a path outside the API prefix', 'http://dev.test/oauth/access_token'],
    ['a dot-segment escape', 'http://dev.test/1.1/../oauth/access_token'],
    ['an encoded dot-segment escape', 'http://dev.test/1.1/%2e%2e/oauth/access_token'],
    ['an encoded slash', 'http://dev.test/1.1/x%2F..%2F..%2Foauth'],
    ['a backslash', 'http://dev.test/1.1\\..\\oauth'],
    ['a fragment', 'http://dev.test/1.1/account/verify_credentials.json#x'],
    ['a Tomcat path parameter escape', 'http://dev.test/1.1/..;/oauth/access_token'],
    ['a path parameter', 'http://dev.test/1.1/x;jsessionid=1'],
    ['an encoded NUL', 'http://dev.test/1.1/x%00/y'],
    ['an overlong dot-dot', 'http://dev.test/1.1/%c0%ae%c0%ae/oauth'],
    ['a tab', 'http://dev.test/1.1/\t/x'],
    ['an IDN look-alike host', 'http://dеv.test/1.1/x'],
    ['a trailing dot', 'http://dev.test./1.1/x'],
    ['not a URL', '/1.1/account/verify_credentials.json'],
  ])('is not an open relay: refuses %s (url_not_allowed) and sends nothing', async (_case, url) => {
    const account = await h.connect('1001');
    const before = h.upstreamCalls.length;
    const answer = await proxy(account.id, { method: 'GET', url });
    expect(answer.status).toBe(403);
    expect(answer.json.code).toBe('url_not_allowed');
    expect(h.upstreamCalls.length).toBe(before);
  });

  it("refuses another install's account (account_not_found) and sends nothing", async () => {
    const account = await h.connect('1001');
    const other = await makeInstall();
    const before = h.upstreamCalls.length;
    const answer = await h.call('POST', `/v1/accounts/${account.id}/requests`, {
      as: other,
      body: { method: 'GET', url: `${DEV_ORIGIN}/1.1/account/verify_credentials.json` },
    });
    expect(answer.json.code).toBe('account_not_found');
    expect(h.upstreamCalls.length).toBe(before);
    expect((await h.call('GET', '/v1/accounts', { as: other })).json.accounts).toEqual([]);
  });

  it('marks the account invalid when the provider rejects its token, then refuses with account_invalid', async () => {
    const account = await h.connect('1001');
    h.dev.state.accessTokens.clear(); // revoked at the provider, behind our back
    const rejected = await proxy(account.id, {
      method: 'GET',
      url: `${DEV_ORIGIN}/1.1/account/verify_credentials.json`,
    });
    expect(rejected.json).toMatchObject({ status: 401 });
    const [listed] = (await h.call('GET', '/v1/accounts')).json.accounts as { status: string }[];
    expect(listed?.status).toBe('invalid');
    const after = await proxy(account.id, { method: 'GET', url: `${DEV_ORIGIN}/1.1/account/verify_credentials.json` });
    expect(after.json.code).toBe('account_invalid');
  });

  it("retries once with the provider's clock when it answers X's error 135", async () => {
    const account = await h.connect('1001');
    h.clock.providerSkewMs = 3600_000; // the provider's clock is an hour ahead of ours
    const answer = await proxy(account.id, { method: 'GET', url: `${DEV_ORIGIN}/1.1/account/verify_credentials.json` });
    expect(answer.json.status).toBe(200);
    expect(h.context.upstream.clockOffsets.get('dev')).toBeGreaterThan(3599_000);
  });

  it('refuses oauth_ parameters in the URL, query or form: they are the companion’s to set', async () => {
    const account = await h.connect('1001');
    const url = `${DEV_ORIGIN}/1.1/statuses/update.json`;
    const sent = h.upstreamCalls.length;
    expect((await proxy(account.id, { method: 'POST', url, form: [['oauth_verifier', 'x']] })).json.code).toBe(
      'invalid_request',
    );
    expect((await proxy(account.id, { method: 'GET', url: `${url}?oauth_callback=x` })).json.code).toBe(
      'invalid_request',
    );
    expect((await proxy(account.id, { method: 'GET', url, query: [['oauth_token', 'x']] })).json.code).toBe(
      'invalid_request',
    );
    expect(h.upstreamCalls.length).toBe(sent);
  });

  it('refuses header values with CR or LF, and JSON too deep to serialise, with 400 not 5xx', async () => {
    const account = await h.connect('1001');
    const url = `${DEV_ORIGIN}/1.1/statuses/update.json`;
    const injected = await proxy(account.id, { method: 'GET', url, headers: { Accept: 'a\r\nX-Evil: 1' } });
    expect(injected.json.code).toBe('invalid_request');
    const body = `{"method":"POST","url":${JSON.stringify(url)},"json":${'['.repeat(20_000)}1${']'.repeat(20_000)}}`;
    const nested = await h.call('POST', `/v1/accounts/${account.id}/requests`, { body });
    expect(nested.status).toBe(400);
  });

  it('validates the request: no body on GET, form or JSON not both', async () => {
    const account = await h.connect('1001');
    const url = `${DEV_ORIGIN}/1.1/statuses/update.json`;
    expect((await proxy(account.id, { method: 'GET', url, form: [['a', 'b']] })).json.code).toBe('invalid_request');
    expect((await proxy(account.id, { method: 'POST', url, form: [['a', 'b']], json: {} })).json.code).toBe(
      'invalid_request',
    );
    expect((await proxy(account.id, { method: 'TRACE', url })).json.code).toBe('invalid_request');
  });
});

describe('revocation', () => {
  it('invalidates the token at the provider, deletes it here, and reports providerRevoked', async () => {
    const account = await h.connect('1001');
    expect(h.dev.state.accessTokens.size).toBe(1);
    const answer = await h.call('DELETE', `/v1/accounts/${account.id}`);
    expect(answer.json).toEqual({ revoked: true, providerRevoked: true });
    expect(h.dev.state.accessTokens.size).toBe(0);
    expect((await h.call('GET', '/v1/accounts')).json.accounts).toEqual([]);
    expect((await h.call('DELETE', `/v1/accounts/${account.id}`)).json.code).toBe('account_not_found');
  });

  it('revokes at a provider that revokes by DELETE with the token in the path (Trello’s way)', async () => {
    let devFetch: (request: Request) => Response | Promise<Response> = () => new Response(null, { status: 503 });
    const trelloLike = resolveProvider(
      devProviderEntry(DEV_ORIGIN, {
        id: 'trello-like',
        invalidateTokenUrl: `${DEV_ORIGIN}/1/tokens/{token}`,
        invalidateTokenMethod: 'DELETE',
      }),
      { DEV_CONSUMER_SECRET: DEV_CONSUMER.secret },
    );
    const t = await makeHarness({ extraProviders: [{ provider: trelloLike, fetch: (r) => devFetch(r) }] });
    devFetch = (r) => t.dev.app.fetch(r);
    const created = await t.call('POST', '/v1/flows', { body: { provider: 'trello-like' } });
    const callback = new URL((await t.decide(created.json.authorizeUrl as string, 'authorize')).location as string);
    const completed = await t.call('POST', `/v1/flows/${created.json.flowId}/complete`, {
      body: {
        oauthToken: callback.searchParams.get('oauth_token'),
        oauthVerifier: callback.searchParams.get('oauth_verifier'),
      },
    });
    const [token] = [...t.dev.state.accessTokens.keys()];
    const answer = await t.call('DELETE', `/v1/accounts/${(completed.json.account as { id: string }).id}`);
    expect(answer.json).toEqual({ revoked: true, providerRevoked: true });
    const revocation = t.upstreamCalls.at(-1);
    expect(revocation?.method).toBe('DELETE');
    expect(revocation?.url).toBe(`${DEV_ORIGIN}/1/tokens/${token}`);
    expect(t.dev.state.accessTokens.size).toBe(0);
  });

  it('deletes locally even when the provider refuses (providerRevoked: false)', async () => {
    const account = await h.connect('1001');
    h.dev.state.accessTokens.clear();
    const answer = await h.call('DELETE', `/v1/accounts/${account.id}`);
    expect(answer.json).toEqual({ revoked: true, providerRevoked: false });
    expect((await h.call('GET', '/v1/accounts')).json.accounts).toEqual([]);
  });

  it("cannot revoke another install's account", async () => {
    const account = await h.connect('1001');
    const other = await makeInstall();
    expect((await h.call('DELETE', `/v1/accounts/${account.id}`, { as: other })).json.code).toBe('account_not_found');
    expect((await h.call('GET', '/v1/accounts')).json.accounts).toHaveLength(1);
  });

  it('deletes locally even when the sealed tokens cannot be opened', async () => {
    const account = await h.connect('1001');
    const [row] = await h.store.sealedAccountSecrets();
    await h.store.replaceSealedAccountSecrets(
      { ...(row as NonNullable<typeof row>), token: 'v1.k1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      row as NonNullable<typeof row>,
    );
    const answer = await h.call('DELETE', `/v1/accounts/${account.id}`);
    expect(answer.json).toEqual({ revoked: true, providerRevoked: false });
    expect((await h.call('GET', '/v1/accounts')).json.accounts).toEqual([]);
  });

  it('forgets an install: every account revoked and deleted, other installs untouched', async () => {
    await h.connect('1001');
    await h.connect('1002');
    const other = await makeInstall();
    await h.connect('1001', other);
    const answer = await h.call('DELETE', '/v1/installs/me');
    expect(answer.json).toEqual({ accountsRevoked: 2 });
    expect((await h.call('GET', '/v1/accounts')).json.accounts).toEqual([]);
    expect((await h.call('GET', '/v1/accounts', { as: other })).json.accounts).toHaveLength(1);
    expect(h.dev.state.accessTokens.size).toBe(1);
  });
});
