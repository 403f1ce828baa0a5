import { describe, expect, it } from 'vitest';
import { accessFor, authorizationParamsFor } from '../../../server/config/authorization-params';
import { ProviderEntry, resolveProvider } from '../../../server/config/providers';
import { CompanionError } from '../../../server/errors';
import { DEV_CONSUMER, DEV_ORIGIN, devProviderEntry, makeHarness } from '../../support/companion-harness';

const preset = (id: string, extra: Record<string, unknown> = {}) =>
  resolveProvider(ProviderEntry.parse({ id, consumerKey: 'ck', consumerSecretEnv: 'S', ...extra }), { S: 's' });

describe('authorization parameters as preset data (docs/providers.md)', () => {
  it.each([
    ['x', 'write', { x_auth_access_type: 'write' }, {}],
    ['x', 'read', { x_auth_access_type: 'read' }, {}],
    ['flickr', 'write', {}, { perms: 'write' }],
    ['flickr', 'read', {}, { perms: 'read' }],
    ['trello', 'write', {}, { expiration: 'never', name: 'My App', scope: 'read,write' }],
    ['trello', 'read', {}, { expiration: 'never', name: 'My App', scope: 'read' }],
    ['smugmug', 'write', {}, { Access: 'Full', Permissions: 'Modify' }],
    ['smugmug', 'read', {}, { Access: 'Full', Permissions: 'Read' }],
  ] as const)('%s asks for %s access with its own parameters', (id, access, requestToken, authorize) => {
    expect(authorizationParamsFor(preset(id), access, 'My App')).toEqual({ requestToken, authorize });
  });

  it('asks for write access unless the user chose read; a provider without levels refuses a choice', () => {
    expect(accessFor(preset('x'), undefined)).toBe('write');
    expect(accessFor(preset('x'), 'read')).toBe('read');
    expect(accessFor(preset('tumblr'), undefined)).toBeNull();
    expect(() => accessFor(preset('tumblr'), 'write')).toThrow(CompanionError);
    expect(authorizationParamsFor(preset('tumblr'), null, 'My App')).toEqual({ requestToken: {}, authorize: {} });
  });

  it('lets a configuration entry replace a preset’s parameters, and refuses oauth_ names in them', () => {
    const trello = preset('trello', { authorizeParams: { expiration: '30days', name: 'Team tool' } });
    expect(authorizationParamsFor(trello, 'write', 'ignored').authorize).toEqual({
      expiration: '30days',
      name: 'Team tool',
      scope: 'read,write',
    });
    expect(
      ProviderEntry.safeParse({ id: 'x', consumerKey: 'ck', requestTokenParams: { oauth_callback: 'x' } }).success,
    ).toBe(false);
  });
});

describe('POST /v1/flows with access', () => {
  it('signs the request-token parameters, adds the authorize ones, and the account records the access', async () => {
    let devFetch: (request: Request) => Response | Promise<Response> = () => new Response(null, { status: 503 });
    const leveled = resolveProvider(
      devProviderEntry(DEV_ORIGIN, {
        id: 'leveled',
        accessLevels: {
          read: { requestTokenParams: { x_auth_access_type: 'read' }, authorizeParams: { perms: 'read' } },
          write: { requestTokenParams: { x_auth_access_type: 'write' }, authorizeParams: { perms: 'write' } },
        },
        authorizeParams: { name: '{appName}' },
      }),
      { DEV_CONSUMER_SECRET: DEV_CONSUMER.secret },
    );
    const h = await makeHarness({ extraProviders: [{ provider: leveled, fetch: (r) => devFetch(r) }] });
    devFetch = (r) => h.dev.app.fetch(r);

    const created = await h.call('POST', '/v1/flows', { body: { provider: 'leveled', access: 'read' } });
    expect(created.status).toBe(201);
    // Signed into the request-token call: the dev provider verified the signature over it.
    const requestTokenCall = h.upstreamCalls.find((call) => call.url.includes('/oauth/request_token'));
    expect(new URL(requestTokenCall?.url ?? '').searchParams.get('x_auth_access_type')).toBe('read');
    const authorize = new URL(created.json.authorizeUrl as string);
    expect(authorize.searchParams.get('perms')).toBe('read');
    expect(authorize.searchParams.get('name')).toBe('OAuth 1.0a Connect');

    const callback = new URL((await h.decide(created.json.authorizeUrl as string, 'authorize')).location as string);
    const completed = await h.call('POST', `/v1/flows/${created.json.flowId}/complete`, {
      body: {
        oauthToken: callback.searchParams.get('oauth_token'),
        oauthVerifier: callback.searchParams.get('oauth_verifier'),
      },
    });
    expect(completed.json.account).toMatchObject({ access: 'read' });

    const listed = (await h.call('GET', '/v1/providers')).json.providers as { id: string; accessLevels?: string[] }[];
    expect(listed.find((p) => p.id === 'leveled')?.accessLevels).toEqual(['read', 'write']);
  });
});
