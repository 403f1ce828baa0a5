import { describe, expect, it } from 'vitest';
import { ProviderEntry, resolveProvider } from '../../../server/config/providers';
import { retirementNotices, retirementStage } from '../../../server/config/retirement';
import { DEV_CONSUMER, DEV_ORIGIN, devProviderEntry, makeHarness } from '../../support/companion-harness';

const garmin = resolveProvider(ProviderEntry.parse({ id: 'garmin', consumerKey: 'ck', consumerSecretEnv: 'S' }), {
  S: 's',
});
const at = (iso: string) => Date.parse(iso);

describe('a provider that retires OAuth 1.0a (Garmin, on 2026-12-31)', () => {
  it('is active until 30 days before the day after its last day, retiring then, retired after its last day', () => {
    expect(garmin.retirement?.on).toBe('2026-12-31');
    expect(retirementStage(garmin.retirement, at('2026-12-01T23:59:59Z'))).toBe('active');
    expect(retirementStage(garmin.retirement, at('2026-12-02T00:00:00Z'))).toBe('retiring');
    expect(retirementStage(garmin.retirement, at('2026-12-31T23:59:59Z'))).toBe('retiring');
    expect(retirementStage(garmin.retirement, at('2027-01-01T00:00:00Z'))).toBe('retired');
    expect(retirementStage(undefined, at('2099-01-01T00:00:00Z'))).toBe('active');
  });

  it('is announced at start-up from the notice period on', () => {
    expect(retirementNotices([garmin], at('2026-11-29T12:00:00Z'))).toEqual([]);
    expect(retirementNotices([garmin], at('2026-12-15T12:00:00Z'))).toEqual([
      expect.stringMatching(/^provider "garmin" retires OAuth 1.0a on 2026-12-31: Garmin retires OAuth 1.0a/),
    ]);
    expect(retirementNotices([garmin], at('2027-02-01T12:00:00Z'))).toEqual([
      expect.stringMatching(/retired OAuth 1.0a on 2026-12-31: new connections are refused \(provider_retired\)/),
    ]);
  });

  it('is shown in the providers answer in its notice period, and refuses new flows after its day', async () => {
    let devFetch: (request: Request) => Response | Promise<Response> = () => new Response(null, { status: 503 });
    const retiring = resolveProvider(
      devProviderEntry(DEV_ORIGIN, {
        id: 'old-api',
        retirement: { on: '2026-12-31', note: 'Old API ends OAuth 1.0a; reconnect with the new app.' },
      }),
      { DEV_CONSUMER_SECRET: DEV_CONSUMER.secret },
    );
    const h = await makeHarness({ extraProviders: [{ provider: retiring, fetch: (r) => devFetch(r) }] });
    devFetch = (r) => h.dev.app.fetch(r);
    const listed = async () =>
      ((await h.call('GET', '/v1/providers')).json.providers as { id: string; retirement?: unknown }[]).find(
        (provider) => provider.id === 'old-api',
      );

    h.clock.now = at('2026-11-01T00:00:00Z');
    expect((await listed())?.retirement).toBeUndefined();
    expect((await h.call('POST', '/v1/flows', { body: { provider: 'old-api' } })).status).toBe(201);

    h.clock.now = at('2026-12-20T00:00:00Z');
    expect((await listed())?.retirement).toEqual({
      on: '2026-12-31',
      note: 'Old API ends OAuth 1.0a; reconnect with the new app.',
    });
    expect((await h.call('POST', '/v1/flows', { body: { provider: 'old-api' } })).status).toBe(201);

    h.clock.now = at('2027-01-01T00:00:00Z');
    const sent = h.upstreamCalls.length;
    const refused = await h.call('POST', '/v1/flows', { body: { provider: 'old-api' } });
    expect(refused.status).toBe(410);
    expect(refused.json).toMatchObject({
      code: 'provider_retired',
      detail: 'Old API ends OAuth 1.0a; reconnect with the new app.',
    });
    expect(h.upstreamCalls.length).toBe(sent);
  });
});
