/**
 * Fuzzing how the flow engine recognises the provider's redirect
 * (lib/flows/flow-engine.ts, `handleTabUrl` behind `tabs.onUpdated`): any
 * URL, and near misses of a pending flow's own callback (another scheme,
 * host, port or path, the token changed, misnamed, in the fragment or under
 * another flow's tab), never throws and never completes a flow unless the
 * URL is at that flow's exact callback address (origin and path), in its own
 * tab, carrying its own request token. A second event for the same URL
 * completes nothing more.
 */
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { createStore } from 'idb-keyval';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { accountsPort } from '../../lib/accounts/accounts';
import type { CompanionClient } from '../../lib/companion-client/client';
import { type BrowserPort, type FlowEngineDeps, handleTabUrl, isCallbackUrl } from '../../lib/flows/flow-engine';
import { changeState, type PendingFlow, readState } from '../../lib/flows/flow-state';
import { type GuardedStore, guardStore } from '../../lib/storage/registry';
import { fuzzRuns, fuzzSuite } from '../support/fuzz';

// The background's wiring imports the extension APIs, which these tests do not call.
vi.mock('webextension-polyfill', () => ({ default: {} }));

const fuzz = fuzzSuite('callback URLs');

const CALLBACKS = [
  'http://companion.test/oauth/callback',
  'https://companion.example:8443/base/oauth/callback',
  'http://127.0.0.1:9/oauth/callback',
  'https://[::1]/oauth/callback',
] as const;

const unicode = ['é', '☃', '😀', '\u00a0', '\ufeff', '\u202e', '\ud800'];
const tokenPiece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'abcXYZ0189-_'.split('')) },
  { weight: 1, arbitrary: fc.constantFrom('%', '+', ' ', '&', '=', '#', '?', '/', '.', '~', '"', '%41', '%2B', '%26') },
  { weight: 1, arbitrary: fc.constantFrom(...unicode) },
);
/** Request tokens as providers hand them out, and some no provider would. */
const requestToken = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{8,40}$/) },
  { weight: 1, arbitrary: fc.array(tokenPiece, { minLength: 1, maxLength: 12 }).map((parts) => parts.join('')) },
);

const flows: fc.Arbitrary<PendingFlow[]> = fc
  .uniqueArray(
    fc.record({
      requestToken,
      callbackUrl: fc.oneof(
        { weight: 5, arbitrary: fc.constantFrom(...CALLBACKS) },
        { weight: 1, arbitrary: fc.constant(null) },
      ),
      tabId: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined, freq: 8 }),
      state: fc.constantFrom('waiting', 'waiting', 'waiting', 'waiting', 'waiting', 'completing'),
    }),
    { minLength: 1, maxLength: 3, selector: (f) => f.requestToken },
  )
  .map((list) =>
    list.map(
      (f, i): PendingFlow => ({
        flowId: `flow-${i}`,
        provider: 'dev',
        providerName: 'Dev provider',
        mode: f.callbackUrl === null ? 'oob' : 'callback',
        requestToken: f.requestToken,
        callbackUrl: f.callbackUrl,
        authorizeUrl: `https://provider.example/oauth/authorize?oauth_token=${encodeURIComponent(f.requestToken.toWellFormed())}`,
        ...(f.tabId === undefined ? {} : { tabId: f.tabId }),
        expiresAt: Date.now() + 600_000,
        state: f.state,
      }),
    ),
  );

/** Changes to the callback address: some keep it (as the URL parser reads it), most do not. */
const endpointChange = fc.oneof(
  { weight: 12, arbitrary: fc.constant('none') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'scheme',
      'upper-host',
      'host-suffix',
      'host-prefix',
      'default-port',
      'other-port',
      'userinfo',
      'trailing-slash',
      'upper-path',
      'dot-segment',
      'dot-dot',
      'encoded-path',
      'double-slash',
      'backslash',
      'tab-in-host',
      'path-prefix',
    ),
  },
);

function changedEndpoint(callback: string, change: string): string {
  const url = new URL(callback);
  const rest = `${url.pathname}`;
  const origin = `${url.protocol}//${url.host}`;
  switch (change) {
    case 'scheme':
      return `${url.protocol === 'https:' ? 'http:' : 'https:'}//${url.host}${rest}`;
    case 'upper-host':
      return `${url.protocol}//${url.host.toUpperCase()}${rest}`;
    case 'host-suffix':
      return `${url.protocol}//${url.hostname}.evil.test${url.port ? `:${url.port}` : ''}${rest}`;
    case 'host-prefix':
      return `${url.protocol}//evil-${url.hostname.replace(/^\[|\]$/g, '')}${url.port ? `:${url.port}` : ''}${rest}`;
    case 'default-port':
      return url.port ? callback : `${url.protocol}//${url.hostname}:${url.protocol === 'https:' ? 443 : 80}${rest}`;
    case 'other-port':
      return `${url.protocol}//${url.hostname}:${url.port === '1' ? 2 : 1}${rest}`;
    case 'userinfo':
      return `${url.protocol}//user:pass@${url.host}${rest}`;
    case 'trailing-slash':
      return `${origin}${rest}/`;
    case 'upper-path':
      return `${origin}${rest.toUpperCase()}`;
    case 'dot-segment':
      return `${origin}${rest.replace('/callback', '/./callback')}`;
    case 'dot-dot':
      return `${origin}${rest.replace('/callback', '/callback/../callback2')}`;
    case 'encoded-path':
      return `${origin}${rest.replace('callback', '%63allback')}`;
    case 'double-slash':
      return `${origin}/${rest}`;
    case 'backslash':
      return `${origin}${rest.replaceAll('/', '\\')}`;
    case 'tab-in-host':
      return `${url.protocol}//${url.host.slice(0, 3)}\t${url.host.slice(3)}${rest}`;
    case 'path-prefix':
      return `${origin}/evil${rest}`;
    default:
      return callback;
  }
}

/** Changes to the token a URL carries: some keep it once decoded, most do not. */
const tokenChange = fc.oneof(
  { weight: 4, arbitrary: fc.constant('same') },
  {
    weight: 1,
    arbitrary: fc.constantFrom('encoded', 'prefix', 'suffix', 'case', 'empty', 'other-flow', 'plus-for-space'),
  },
);

function changedToken(token: string, change: string, other: string | undefined): string {
  switch (change) {
    case 'encoded':
      // Every character percent-encoded: the same token once decoded.
      return [...new TextEncoder().encode(token.toWellFormed())]
        .map((b) => `%${b.toString(16).padStart(2, '0')}`)
        .join('');
    case 'prefix':
      return encodeURIComponent([...token.toWellFormed()].slice(0, -1).join(''));
    case 'suffix':
      return `${encodeURIComponent(token.toWellFormed())}x`;
    case 'case':
      return encodeURIComponent(
        token.toWellFormed().replace(/[a-z]/i, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())),
      );
    case 'empty':
      return '';
    case 'other-flow':
      return encodeURIComponent((other ?? 'someone-else').toWellFormed());
    case 'plus-for-space':
      return token
        .toWellFormed()
        .replaceAll(' ', '+')
        .replace(/[&#=%]/g, encodeURIComponent);
    default:
      return encodeURIComponent(token.toWellFormed());
  }
}

const paramName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('oauth_token', 'denied') },
  {
    weight: 1,
    arbitrary: fc.constantFrom('OAUTH_TOKEN', 'oauth_token ', 'oauth%5Ftoken', 'oauth_tokenx', 'oauth.token'),
  },
);

const nastyText = fc
  .array(fc.oneof(tokenPiece, fc.constantFrom(':', '//', '@', '[', ']', '\\', '\t', '\n', '\u0000')), { maxLength: 24 })
  .map((parts) => parts.join(''));

interface Visit {
  readonly url: string;
  readonly tabId: number;
  readonly again: boolean;
}

/** A visit: near a flow's callback, or anywhere at all. */
function visitsFor(list: readonly PendingFlow[]): fc.Arbitrary<Visit> {
  const near = fc
    .record({
      target: fc.nat(list.length - 1),
      other: fc.nat(list.length - 1),
      endpoint: endpointChange,
      name: paramName,
      token: tokenChange,
      verifier: fc.option(
        nastyText.map((text) => encodeURIComponent(text.toWellFormed())),
        { nil: undefined },
      ),
      extra: fc.option(
        fc.constantFrom('oauth_token=decoy', 'denied=decoy', 'oauth_verifier=v', 'x=1', 'oauth_token=', 'denied='),
        { nil: undefined },
      ),
      extraFirst: fc.boolean(),
      inFragment: fc.constantFrom(false, false, false, false, false, true),
      ownTab: fc.constantFrom(true, true, true, false),
      again: fc.boolean(),
    })
    .map((v): Visit => {
      const flow = list[v.target] as PendingFlow;
      const callback = flow.callbackUrl ?? CALLBACKS[0];
      const carried = `${v.name}=${changedToken(flow.requestToken, v.token, list[v.other]?.requestToken)}`;
      const params = [carried, ...(v.verifier === undefined ? [] : [`oauth_verifier=${v.verifier}`])];
      if (v.extra) params[v.extraFirst ? 'unshift' : 'push'](v.extra);
      const query = params.join('&');
      const base = changedEndpoint(callback, v.endpoint);
      return {
        url: v.inFragment ? `${base}?x=1#${query}` : `${base}?${query}`,
        tabId: v.ownTab ? (flow.tabId ?? 1) : (flow.tabId ?? 1) + 1,
        again: v.again,
      };
    });
  const anywhere = fc.record({
    url: fc.oneof(nastyText, fc.webUrl({ withQueryParameters: true, withFragments: true })),
    tabId: fc.integer({ min: -1, max: 5 }),
    again: fc.constant(false),
  });
  return fc.oneof({ weight: 5, arbitrary: near }, { weight: 1, arbitrary: anywhere });
}

/**
 * What must happen, read from the URL as the URL Standard parses it: the
 * first waiting flow whose tab is this one, whose callback has this URL's
 * origin and path, and whose request token is the URL's oauth_token (or,
 * without one, its denied).
 */
function expectedClaim(list: readonly PendingFlow[], rawUrl: string, tabId: number): PendingFlow | undefined {
  if (!URL.canParse(rawUrl)) return undefined;
  const url = new URL(rawUrl);
  const token = url.searchParams.get('oauth_token') ?? url.searchParams.get('denied');
  return list.find((f) => {
    if (f.state !== 'waiting' || f.callbackUrl === null || f.tabId !== tabId || !token) return false;
    const callback = new URL(f.callbackUrl);
    return callback.origin === url.origin && callback.pathname === url.pathname && f.requestToken === token;
  });
}

let store: GuardedStore;
beforeAll(() => {
  store = guardStore(createStore(`callback-fuzz-${crypto.randomUUID()}`, 'state'));
});

/** How many visits completed a flow: the near misses must also hit, or the property says little. */
const tally = { visits: 0, completions: 0 };
afterAll(() => console.log(`fuzz: callback URLs: ${tally.completions} of ${tally.visits} visits completed a flow`));

/** The engine's world: completions recorded, tabs closed recorded, the companion always agreeing. */
function world() {
  const completed: { flowId: string; body: Record<string, string> }[] = [];
  const closed: number[] = [];
  const client = {
    completeFlow: async (flowId: string, body: Record<string, string>) => {
      completed.push({ flowId, body });
      return { id: 'acc', screenName: 'someone' };
    },
    accounts: async () => [],
    cancelFlow: async () => undefined,
  } as unknown as CompanionClient;
  const browser: BrowserPort = {
    openTab: async () => 1,
    closeTab: async (tabId) => {
      closed.push(tabId);
    },
    setAlarm: () => undefined,
    clearAlarm: () => undefined,
    setBadge: () => undefined,
  };
  const deps: FlowEngineDeps = { store, client, browser, now: Date.now, accounts: accountsPort };
  return { deps, completed, closed };
}

describe("the flow engine's callback URL handling", () => {
  it('completes only the flow whose own tab is at its exact callback with its own token; never throws', async () => {
    await fuzz.property(
      flows.chain((list) => fc.tuple(fc.constant(list), visitsFor(list))),
      async ([list, visit]) => {
        await changeState(store, (s) => [
          { ...s, pending: Object.fromEntries(list.map((f) => [f.flowId, f])), lastOutcome: null },
          undefined,
        ]);
        const { deps, completed, closed } = world();
        await handleTabUrl(deps, visit.tabId, visit.url);
        const expected = expectedClaim(list, visit.url, visit.tabId);
        tally.visits += 1;
        tally.completions += completed.length;
        if (!expected) {
          expect(completed).toEqual([]);
          expect(closed).toEqual([]);
          expect(Object.values((await readState(store)).pending)).toEqual(list);
          return;
        }
        const url = new URL(visit.url);
        const denied = url.searchParams.get('denied');
        expect(completed).toEqual([
          {
            flowId: expected.flowId,
            body:
              denied === null
                ? { oauthToken: expected.requestToken, oauthVerifier: url.searchParams.get('oauth_verifier') ?? '' }
                : { denied },
          },
        ]);
        expect(closed).toEqual([visit.tabId]);
        const pending = (await readState(store)).pending;
        expect(Object.values(pending)).toEqual(list.filter((f) => f !== expected));
        if (visit.again) {
          // The same event twice (Chrome may send it twice): nothing more is completed.
          await handleTabUrl(deps, visit.tabId, visit.url);
          expect(completed).toHaveLength(1);
        }
      },
      fuzzRuns(1400),
    );
  });

  it('isCallbackUrl, the cheap filter before it, lets every URL the engine would claim through', async () => {
    await fuzz.property(
      flows.chain((list) => fc.tuple(fc.constant(list), visitsFor(list))),
      ([list, visit]) => {
        // The browser hands tabs.onUpdated the URL as it serialises it.
        if (expectedClaim(list, visit.url, visit.tabId)) expect(isCallbackUrl(new URL(visit.url).href)).toBe(true);
      },
      fuzzRuns(300),
    );
  });
});
