import 'fake-indexeddb/auto';
import { createStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import {
  accountsPort,
  reconnectAccount,
  refreshAccounts,
  revokeAccount,
  revokeAllAccounts,
} from '../../../lib/accounts/accounts';
import { createCompanionClient } from '../../../lib/companion-client/client';
import {
  type BrowserPort,
  cancelConnect,
  dropExpired,
  type FlowEngineDeps,
  handleAlarm,
  handleTabClosed,
  handleTabUrl,
  startConnect,
  submitPin,
} from '../../../lib/flows/flow-engine';
import { readState } from '../../../lib/flows/flow-state';
import { loadOrCreateInstallKey } from '../../../lib/storage/install-key';
import { guardStore } from '../../../lib/storage/registry';
import { forgetCompanionState } from '../../../lib/storage/wipe';
import { makeHarness, PUBLIC_URL } from '../../support/companion-harness';

let stores = 0;

/** The browser, recorded: which tabs were opened and closed, which alarms set. */
function recordingBrowser() {
  const opened: string[] = [];
  const closed: number[] = [];
  const alarms = new Map<string, number>();
  const badges: string[] = [];
  const port: BrowserPort = {
    openTab: async (url) => {
      opened.push(url);
      return 100 + opened.length;
    },
    closeTab: async (tabId) => {
      closed.push(tabId);
    },
    setAlarm: (name, when) => alarms.set(name, when),
    clearAlarm: (name) => alarms.delete(name),
    setBadge: (text) => badges.push(text),
  };
  return { port, opened, closed, alarms, badges };
}

async function setup() {
  const h = await makeHarness();
  const store = guardStore(createStore(`flows-${++stores}`, 'state'));
  const keyPair = await loadOrCreateInstallKey(store);
  const browser = recordingBrowser();
  /** A fresh set of dependencies, as a worker that was stopped and started again would build. */
  const freshWorker = (): FlowEngineDeps => ({
    store,
    client: createCompanionClient({
      baseUrl: PUBLIC_URL,
      keyPair,
      fetch: async (input, init) => h.app.request(input as string, init),
      now: () => h.clock.now,
    }),
    browser: browser.port,
    now: () => h.clock.now,
    accounts: accountsPort,
  });
  return { h, store, browser, deps: freshWorker(), freshWorker };
}

describe('the flow engine', () => {
  it('a flow completed at a companion the user left during /complete leaves nothing in the fresh state', async () => {
    const { h, store, deps } = await setup();
    let resetDuring = '';
    const client = createCompanionClient({
      baseUrl: PUBLIC_URL,
      keyPair: await loadOrCreateInstallKey(store),
      fetch: async (input, init) => {
        const answer = await h.app.request(input as string, init);
        if (resetDuring && (input as string).includes(resetDuring)) await forgetCompanionState(store);
        return answer;
      },
      now: () => h.clock.now,
    });
    const flow = await startConnect({ ...deps, client }, 'dev', 'callback');
    const { location } = await h.decide(flow.authorizeUrl, 'authorize', '1002');
    resetDuring = '/complete';
    // As the background builds deps for each event: the store guarded from when the event began.
    await handleTabUrl({ ...deps, client, store: guardStore(store) }, flow.tabId as number, location as string);
    expect(await readState(store)).toMatchObject({ accounts: [], pending: {} });
  });

  it('a flow created at a companion the user left meanwhile opens no tab and keeps no pending flow', async () => {
    const { h, store, deps, browser } = await setup();
    const client = createCompanionClient({
      baseUrl: PUBLIC_URL,
      keyPair: await loadOrCreateInstallKey(store),
      fetch: async (input, init) => {
        const answer = await h.app.request(input as string, init);
        if ((input as string).endsWith('/v1/flows')) await forgetCompanionState(store);
        return answer;
      },
      now: () => h.clock.now,
    });
    await expect(startConnect({ ...deps, client, store: guardStore(store) }, 'dev', 'callback')).rejects.toMatchObject({
      code: 'companion_changed',
    });
    expect(browser.opened).toEqual([]);
    expect((await readState(store)).pending).toEqual({});
  });

  it('keeps nothing it fetched from a companion the user left while the fetch was under way', async () => {
    const { h, store, deps } = await setup();
    let resetDuringAccounts = false;
    const client = createCompanionClient({
      baseUrl: PUBLIC_URL,
      keyPair: await loadOrCreateInstallKey(store),
      fetch: async (input, init) => {
        const answer = await h.app.request(input as string, init);
        // The user picks another companion while the account list is on its way.
        if (resetDuringAccounts && (input as string).endsWith('/v1/accounts')) await forgetCompanionState(store);
        return answer;
      },
      now: () => h.clock.now,
    });
    const resetting = { ...deps, client };
    const flow = await startConnect(resetting, 'dev', 'callback');
    const { location } = await h.decide(flow.authorizeUrl, 'authorize', '1002');
    resetDuringAccounts = true;
    await handleTabUrl(resetting, flow.tabId as number, location as string);
    expect((await readState(store)).accounts).toEqual([]);
  });

  it('asks the companion for the access level chosen, which the account then records', async () => {
    const { h, store, deps } = await setup();
    const flow = await startConnect(deps, 'dev', 'callback', { access: 'read' });
    const { location } = await h.decide(flow.authorizeUrl, 'authorize', '1002');
    await handleTabUrl(deps, flow.tabId as number, location as string);
    expect((await readState(store)).accounts.map((a) => [a.screenName, a.access])).toEqual([['bob', 'read']]);
  });

  it('reconnects an account that needs permission in place, with write access, and the badge says so meanwhile', async () => {
    const { h, store, browser, deps } = await setup();
    const first = await startConnect(deps, 'dev', 'callback', { access: 'read' });
    await handleTabUrl(
      deps,
      first.tabId as number,
      (await h.decide(first.authorizeUrl, 'authorize', '1002')).location as string,
    );
    const [account] = (await readState(store)).accounts;
    await h.store.setAccountStatus(account?.id as string, 'needs_permission');
    await refreshAccounts(deps);
    expect(browser.badges.at(-1)).toBe('!');

    const flow = await reconnectAccount(deps, account?.id as string);
    // The provider is asked for its login, prefilled with the account's name (X's authenticate).
    const authorize = new URL(flow.authorizeUrl);
    expect(authorize.pathname).toBe('/oauth/authenticate');
    expect(authorize.searchParams.get('force_login')).toBe('true');
    expect(authorize.searchParams.get('screen_name')).toBe('bob');
    await handleTabUrl(
      deps,
      flow.tabId as number,
      (await h.decide(flow.authorizeUrl, 'authorize', '1002')).location as string,
    );
    expect((await readState(store)).accounts).toMatchObject([{ id: account?.id, status: 'active', access: 'write' }]);
    expect(browser.badges.at(-1)).toBe('');
  });

  it('connects with a callback: opens the authorize tab, catches the callback, closes the tab, lists the account', async () => {
    const { h, store, browser, deps } = await setup();
    const flow = await startConnect(deps, 'dev', 'callback');
    expect(browser.opened).toEqual([flow.authorizeUrl]);
    expect(browser.alarms.get(`flow-expiry:${flow.flowId}`)).toBe(flow.expiresAt);
    const { location } = await h.decide(flow.authorizeUrl, 'authorize', '1002');
    await handleTabUrl(deps, flow.tabId as number, location as string);
    expect(browser.closed).toEqual([flow.tabId]);
    const state = await readState(store);
    expect(state.pending).toEqual({});
    expect(state.accounts.map((a) => a.screenName)).toEqual(['bob']);
    expect(state.lastOutcome).toEqual({
      kind: 'connected',
      provider: 'dev',
      screenName: 'bob',
      accountId: state.accounts[0]?.id,
    });
    expect(browser.alarms.size).toBe(0);
    // Revoked, the account is gone, and so is the outcome that said it was connected.
    await revokeAccount(deps, state.accounts[0]?.id as string);
    expect(await readState(store)).toMatchObject({ accounts: [], lastOutcome: null });
  });

  it('finishes a flow started by a worker that was stopped meanwhile (all state in IndexedDB)', async () => {
    const { h, store, freshWorker } = await setup();
    const flow = await startConnect(freshWorker(), 'dev', 'callback');
    const { location } = await h.decide(flow.authorizeUrl, 'authorize');
    await handleTabUrl(freshWorker(), flow.tabId as number, location as string);
    expect((await readState(store)).lastOutcome).toMatchObject({ kind: 'connected', screenName: 'alice' });
  });

  it('completes once when the tab reports the callback URL several times at once', async () => {
    const { h, store, deps } = await setup();
    const flow = await startConnect(deps, 'dev', 'callback');
    const { location } = await h.decide(flow.authorizeUrl, 'authorize');
    await Promise.all([1, 2, 3].map(() => handleTabUrl(deps, flow.tabId as number, location as string)));
    const state = await readState(store);
    expect(state.lastOutcome).toMatchObject({ kind: 'connected' });
    expect(state.accounts).toHaveLength(1);
  });

  it('ignores a forged callback carrying another oauth_token, and callbacks at other addresses', async () => {
    const { h, store, browser, deps } = await setup();
    const flow = await startConnect(deps, 'dev', 'callback');
    const { location } = await h.decide(flow.authorizeUrl, 'authorize');
    const real = new URL(location as string);
    const forged = new URL(real);
    forged.searchParams.set('oauth_token', 'attacker-token');
    await handleTabUrl(deps, 7, forged.href);
    const elsewhere = `https://evil.example/oauth/callback${real.search}`;
    await handleTabUrl(deps, 7, elsewhere);
    expect(browser.closed).toEqual([]);
    const state = await readState(store);
    expect(state.pending[flow.flowId]?.state).toBe('waiting');
    expect(state.accounts).toEqual([]);
    expect(await h.store.listAccounts(h.install.installId)).toEqual([]);
    // The real callback still works afterwards.
    await handleTabUrl(deps, flow.tabId as number, real.href);
    expect((await readState(store)).lastOutcome).toMatchObject({ kind: 'connected' });
  });

  it('ignores the right callback URL in another tab: a leaked request token cannot inject an account', async () => {
    const { h, store, browser, deps } = await setup();
    const flow = await startConnect(deps, 'dev', 'callback');
    const { location } = await h.decide(flow.authorizeUrl, 'authorize');
    await handleTabUrl(deps, 999, location as string);
    expect(browser.closed).toEqual([]);
    expect((await readState(store)).pending[flow.flowId]?.state).toBe('waiting');
    expect(await h.store.listAccounts(h.install.installId)).toEqual([]);
  });

  it('lets a completing flow finish: cancel, tab closed and expiry do not cut it off', async () => {
    const { h, store, deps } = await setup();
    const flow = await startConnect(deps, 'dev', 'callback');
    const { location } = await h.decide(flow.authorizeUrl, 'authorize');
    const completing = handleTabUrl(deps, flow.tabId as number, location as string);
    await new Promise((resolve) => setTimeout(resolve, 0)); // the claim is made, the exchange in flight
    await Promise.all([
      cancelConnect(deps, flow.flowId),
      handleTabClosed(deps, flow.tabId as number),
      handleAlarm(deps, `flow-expiry:${flow.flowId}`),
    ]);
    await completing;
    const state = await readState(store);
    expect(state.lastOutcome).toMatchObject({ kind: 'connected' });
    expect(state.accounts).toHaveLength(1);
  });

  it('a mistyped PIN is refused and the flow waits for the right one, which connects', async () => {
    const { h, store, deps } = await setup();
    const flow = await startConnect(deps, 'dev', 'oob');
    const { pin } = await h.decide(flow.authorizeUrl, 'authorize');
    await expect(submitPin(deps, flow.flowId, '0000000')).rejects.toMatchObject({ code: 'verifier_rejected' });
    expect((await readState(store)).pending[flow.flowId]?.state).toBe('waiting');
    expect(await submitPin(deps, flow.flowId, pin as string)).toMatchObject({ kind: 'connected' });
    expect((await readState(store)).accounts).toHaveLength(1);
  });

  it('completes once when the PIN is submitted twice', async () => {
    const { h, store, deps } = await setup();
    const flow = await startConnect(deps, 'dev', 'oob');
    const { pin } = await h.decide(flow.authorizeUrl, 'authorize');
    const results = await Promise.allSettled([
      submitPin(deps, flow.flowId, pin as string),
      submitPin(deps, flow.flowId, pin as string),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'flow_not_found' } });
    expect((await readState(store)).lastOutcome).toMatchObject({ kind: 'connected' });
  });

  it('sweeps flows whose time is up when no alarm fired (alarms may not survive a restart)', async () => {
    const { h, store, deps } = await setup();
    const flow = await startConnect(deps, 'dev', 'callback');
    h.clock.now = flow.expiresAt + 1;
    await dropExpired(deps);
    expect((await readState(store)).pending).toEqual({});
    expect((await readState(store)).lastOutcome).toEqual({ kind: 'expired', provider: 'dev' });
  });

  it('ends with "denied" when the user cancels at the provider', async () => {
    const { h, store, deps } = await setup();
    const flow = await startConnect(deps, 'dev', 'callback');
    const { location } = await h.decide(flow.authorizeUrl, 'cancel');
    await handleTabUrl(deps, flow.tabId as number, location as string);
    const state = await readState(store);
    expect(state.lastOutcome).toEqual({ kind: 'denied', provider: 'dev' });
    expect(state.pending).toEqual({});
  });

  it('ends with "closed" when the user closes the authorize tab, and cancels the flow at the companion', async () => {
    const { h, store, deps } = await setup();
    const flow = await startConnect(deps, 'dev', 'callback');
    await handleTabClosed(deps, flow.tabId as number);
    expect((await readState(store)).lastOutcome).toEqual({ kind: 'closed', provider: 'dev' });
    expect(await h.store.findFlow(flow.flowId)).toBeUndefined();
  });

  it('connects with a PIN, and closing the PIN tab does not cancel', async () => {
    const { h, store, deps } = await setup();
    const flow = await startConnect(deps, 'dev', 'oob');
    const { pin } = await h.decide(flow.authorizeUrl, 'authorize');
    await handleTabClosed(deps, flow.tabId as number);
    expect(await submitPin(deps, flow.flowId, ` ${pin} `)).toEqual({
      kind: 'connected',
      provider: 'dev',
      screenName: 'alice',
      accountId: (await readState(store)).accounts[0]?.id,
    });
    expect((await readState(store)).accounts).toHaveLength(1);
  });

  it('reports a failed exchange as failed, with the companion’s code', async () => {
    const { h, deps } = await setup();
    const flow = await startConnect(deps, 'dev', 'oob');
    const { pin } = await h.decide(flow.authorizeUrl, 'authorize');
    h.dev.state.requestTokens.clear(); // gone at the provider: no PIN can help
    expect(await submitPin(deps, flow.flowId, pin as string)).toMatchObject({ kind: 'failed', code: 'provider_error' });
  });

  it('cancels from the popup: the companion forgets the flow and the tab closes', async () => {
    const { h, store, browser, deps } = await setup();
    const flow = await startConnect(deps, 'dev', 'callback');
    await cancelConnect(deps, flow.flowId);
    expect(browser.closed).toEqual([flow.tabId]);
    expect(await h.store.findFlow(flow.flowId)).toBeUndefined();
    expect((await readState(store)).lastOutcome).toEqual({ kind: 'cancelled', provider: 'dev' });
  });

  it('expires a flow when its alarm fires', async () => {
    const { store, deps } = await setup();
    const flow = await startConnect(deps, 'dev', 'callback');
    await handleAlarm(deps, 'unrelated-alarm');
    expect((await readState(store)).pending[flow.flowId]).toBeDefined();
    await handleAlarm(deps, `flow-expiry:${flow.flowId}`);
    expect((await readState(store)).lastOutcome).toEqual({ kind: 'expired', provider: 'dev' });
  });

  it('revokes an account and refreshes the list', async () => {
    const { h, store, deps } = await setup();
    const flow = await startConnect(deps, 'dev', 'callback');
    await handleTabUrl(deps, flow.tabId as number, (await h.decide(flow.authorizeUrl, 'authorize')).location as string);
    const [account] = (await readState(store)).accounts;
    expect(await revokeAccount(deps, account?.id as string)).toEqual({ revoked: true, providerRevoked: true });
    expect((await readState(store)).accounts).toEqual([]);
  });

  it('revokes all accounts', async () => {
    const { h, store, deps } = await setup();
    for (const user of ['1001', '1002']) {
      const flow = await startConnect(deps, 'dev', 'callback');
      await handleTabUrl(
        deps,
        flow.tabId as number,
        (await h.decide(flow.authorizeUrl, 'authorize', user)).location as string,
      );
    }
    expect((await readState(store)).accounts).toHaveLength(2);
    expect(await revokeAllAccounts(deps)).toEqual({ revoked: 2 });
    expect((await readState(store)).accounts).toEqual([]);
    expect(h.dev.state.accessTokens.size).toBe(0);
  });

  it('refuses a provider the companion does not have', async () => {
    const { deps } = await setup();
    await expect(startConnect(deps, 'nope', 'callback')).rejects.toMatchObject({ code: 'unknown_provider' });
  });
});
