import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { makeHarness } from '../../support/companion-harness';
import { connectAtStub, stubProvider, withTokenEndpoints } from '../support/stub-provider';

const BARE_401 = { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' };
const VERIFY = {
  ok: [200, { id_str: '42', screen_name: 'xuser' }],
  tokenRejected: [401, { errors: [{ code: 89, message: 'Invalid or expired token.' }] }],
  consumerRejected: [401, { errors: [{ code: 32, message: 'Could not authenticate you.' }] }],
  tierRefused: [
    403,
    { errors: [{ code: 453, message: 'You currently have access to a subset of X API V2 endpoints' }] },
  ],
} as const;

/**
 * A provider at `origin` with X's paths: v2 answers `v2Answer`, v1.1
 * verify-credentials answers as `verify` says. Built on the X preset's own URLs
 * for api.x.com, or on the same paths at another host.
 */
async function setUp(origin: string, v2Answer: { status: number; body: unknown }, verify: keyof typeof VERIFY) {
  const app = withTokenEndpoints(new Hono(), '/oauth', {
    token: 'x-access-token',
    tokenSecret: 'x-access-secret-0123456789',
    extra: { user_id: '42', screen_name: 'xuser' },
  })
    .get('/2/users/me', (c) => c.json(v2Answer.body, v2Answer.status as 401))
    .get('/1.1/account/verify_credentials.json', (c) => c.json(VERIFY[verify][1], VERIFY[verify][0]));
  const provider =
    origin === 'https://api.x.com'
      ? stubProvider('x-consumer-secret-0123456789', { id: 'x' })
      : stubProvider('x-consumer-secret-0123456789', {
          id: 'x',
          preset: 'x',
          requestTokenUrl: `${origin}/oauth/request_token`,
          accessTokenUrl: `${origin}/oauth/access_token`,
          verifyCredentialsUrl: `${origin}/1.1/account/verify_credentials.json`,
          apiBaseUrls: [`${origin}/2/`],
        });
  const h = await makeHarness({ extraProviders: [{ provider, fetch: (r) => app.fetch(r) }] });
  const account = await connectAtStub(h, 'x');
  const before = h.upstreamCalls.length;
  const answer = await h.call('POST', `/v1/accounts/${account.id}/requests`, {
    body: { method: 'GET', url: `${origin}/2/users/me` },
  });
  const status = async () => ((await h.call('GET', '/v1/accounts')).json.accounts as { status: string }[])[0]?.status;
  const sentAfter = h.upstreamCalls.slice(before).map((call) => new URL(call.url).pathname);
  return { h, account, answer, status, sentAfter };
}

describe("X API v2's bare 401 marks the account invalid only when X confirms the token is bad", () => {
  it('asks verify-credentials with the same token; its 89 marks the account invalid', async () => {
    const { h, account, answer, status, sentAfter } = await setUp(
      'https://api.x.com',
      { status: 401, body: BARE_401 },
      'tokenRejected',
    );
    expect(answer.json.status).toBe(401); // the extension still gets X's answer
    expect(JSON.parse(answer.json.body as string)).toEqual(BARE_401);
    expect(sentAfter).toEqual(['/2/users/me', '/1.1/account/verify_credentials.json']);
    expect(h.upstreamCalls.at(-1)?.headers.get('authorization')).toContain('oauth_token="x-access-token"');
    expect(await status()).toBe('invalid');
    const after = await h.call('POST', `/v1/accounts/${account.id}/requests`, {
      body: { method: 'GET', url: 'https://api.x.com/2/users/me' },
    });
    expect(after.json.code).toBe('account_invalid');
  });

  it.each([
    ['the token is fine (verify-credentials answers 200)', 'ok'],
    ["the consumer credentials are wrong (X's 32): no fault of the account", 'consumerRejected'],
    ['verify-credentials is outside the app’s access level (453): no answer either way', 'tierRefused'],
  ] as const)('keeps the account when %s', async (_case, verify) => {
    const { answer, status, sentAfter } = await setUp('https://api.x.com', { status: 401, body: BARE_401 }, verify);
    expect(answer.json.status).toBe(401);
    expect(sentAfter).toEqual(['/2/users/me', '/1.1/account/verify_credentials.json']);
    expect(await status()).toBe('active');
  });

  it('does not ask, and keeps the account, for a v2 401 that says something else', async () => {
    const { status, sentAfter } = await setUp(
      'https://api.x.com',
      { status: 401, body: { ...BARE_401, reason: 'client-not-enrolled' } },
      'tokenRejected',
    );
    expect(sentAfter).toEqual(['/2/users/me']);
    expect(await status()).toBe('active');
  });

  it("does not ask, and keeps the account, for the same bare 401 from a provider that is not X's API", async () => {
    const { status, sentAfter } = await setUp(
      'https://api.other.example',
      { status: 401, body: BARE_401 },
      'tokenRejected',
    );
    expect(sentAfter).toEqual(['/2/users/me']);
    expect(await status()).toBe('active');
  });
});
