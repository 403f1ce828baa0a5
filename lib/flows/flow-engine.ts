import type { CompanionClient } from '../companion-client/client';
import { ExtensionError } from '../errors/extension-error';
import type { AccessLevel, Account, FlowMode } from '../protocol';
import type { GuardedStore } from '../storage/registry';
import { changeState, type FlowOutcome, type PendingFlow } from './flow-state';

/** The browser as the flow engine needs it; the background wires it to the extension APIs. */
export interface BrowserPort {
  openTab(url: string): Promise<number | undefined>;
  closeTab(tabId: number): Promise<void>;
  setAlarm(name: string, when: number): void;
  clearAlarm(name: string): void;
  /** The toolbar badge: `!` while an account needs attention, empty otherwise. */
  setBadge(text: string): void;
}

/** How a connection is asked for, beyond its provider and mode (see CreateFlowRequest). */
export interface ConnectOptions {
  /** For a provider with access levels; the companion asks for write without it. */
  readonly access?: AccessLevel | undefined;
  /** Reconnect this account: its token is replaced in place, if the same user comes back. */
  readonly accountId?: string | undefined;
  /** Ask the provider for its login even with a session (to add another account, or reconnect). */
  readonly forceLogin?: boolean | undefined;
  /** Prefill the provider's login. */
  readonly screenName?: string | undefined;
}

/**
 * The account list as the flow engine needs it: refreshed once a connection
 * is made. lib/accounts implements it (`accountsPort`); it is passed in
 * because lib/accounts sits above this folder (a reconnection is a flow).
 */
export interface AccountsPort {
  refresh(deps: FlowEngineDeps): Promise<readonly Account[]>;
}

export interface FlowEngineDeps {
  /**
   * Guarded from the moment these deps were built (lib/storage/registry.ts): what the client
   * fetches after a reset belongs to the old companion, and no write through it lands.
   */
  readonly store: GuardedStore;
  /** Bound to the companion URL and install key of the moment these deps were built. */
  readonly client: CompanionClient;
  readonly browser: BrowserPort;
  readonly now: () => number;
  readonly accounts: AccountsPort;
}

const ALARM_PREFIX = 'flow-expiry:';

/**
 * The connection flow in the background (docs/architecture.md, "The three-legged
 * flow"): every step reads and writes IndexedDB, so a worker stopped between
 * two events picks up where it was. Functions, not an object with fields: the
 * worker's memory is not state.
 */
export async function startConnect(
  deps: FlowEngineDeps,
  provider: string,
  mode: FlowMode,
  options: ConnectOptions = {},
): Promise<PendingFlow> {
  const providers = await deps.client.providers();
  const known = providers.find((p) => p.id === provider);
  if (!known) throw new ExtensionError('unknown_provider', `no provider "${provider}" at the companion`);
  const created = await deps.client.createFlow({
    provider,
    mode,
    ...(options.access ? { access: options.access } : {}),
    ...(options.accountId ? { accountId: options.accountId } : {}),
    ...(options.forceLogin ? { forceLogin: true } : {}),
    ...(options.screenName ? { screenName: options.screenName } : {}),
  });
  // The flow was made at a companion the user has left: no pending flow, no tab.
  deps.store.guard.assertCurrent();
  const flow: PendingFlow = {
    flowId: created.flowId,
    provider,
    providerName: known.name,
    mode,
    requestToken: created.requestToken,
    callbackUrl: created.callbackUrl,
    authorizeUrl: created.authorizeUrl,
    expiresAt: Date.parse(created.expiresAt),
    state: 'waiting',
  };
  await changeState(deps.store, (s) => [
    { ...s, pending: { ...s.pending, [flow.flowId]: flow }, lastOutcome: null },
    undefined,
  ]);
  deps.browser.setAlarm(`${ALARM_PREFIX}${flow.flowId}`, flow.expiresAt);
  const tabId = await deps.browser.openTab(created.authorizeUrl);
  return changeState(deps.store, (s) => {
    const current = s.pending[flow.flowId];
    if (!current) return [s, flow];
    const withTab = { ...current, tabId };
    return [{ ...s, pending: { ...s.pending, [flow.flowId]: withTab } }, withTab];
  });
}

/**
 * `tabs.onUpdated`: a tab reached a URL. Only the flow's own tab, at its
 * callback address, carrying its own request token, completes anything; the
 * first such event claims the flow, duplicates are ignored.
 */
export async function handleTabUrl(deps: FlowEngineDeps, tabId: number, rawUrl: string): Promise<void> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return;
  }
  const token = url.searchParams.get('oauth_token') ?? url.searchParams.get('denied');
  if (!token) return;
  // The flow's own tab, at its callback address, with its own request token:
  // the token alone is public (it is in the authorize URL), a tab is not.
  const claimed = await claimWaiting(
    deps,
    (f) => f.callbackUrl !== null && f.tabId === tabId && sameEndpoint(f.callbackUrl, url) && f.requestToken === token,
  );
  if (!claimed) return;
  await deps.browser.closeTab(tabId).catch(() => undefined);
  const denied = url.searchParams.get('denied');
  if (denied !== null) {
    await settle(deps, claimed, () => deps.client.completeFlow(claimed.flowId, { denied }));
    return;
  }
  const verifier = url.searchParams.get('oauth_verifier') ?? '';
  await settle(deps, claimed, () =>
    deps.client.completeFlow(claimed.flowId, { oauthToken: token, oauthVerifier: verifier }),
  );
}

/** The user typed the PIN the provider showed (oob mode). */
export async function submitPin(deps: FlowEngineDeps, flowId: string, pin: string): Promise<FlowOutcome> {
  const flow = await claimWaiting(deps, (f) => f.flowId === flowId);
  if (!flow) throw new ExtensionError('flow_not_found', 'this connection is no longer waiting for a PIN');
  let account: { id: string; screenName: string };
  try {
    account = await deps.client.completeFlow(flowId, { oauthVerifier: pin.trim() });
  } catch (error) {
    if (error instanceof ExtensionError && error.code === 'verifier_rejected') {
      // A mistyped PIN: the flow waits for the right one, as the companion's does.
      await changeState(deps.store, (s) => {
        const current = s.pending[flowId];
        return current
          ? [{ ...s, pending: { ...s.pending, [flowId]: { ...current, state: 'waiting' } } }, undefined]
          : [s, undefined];
      });
      throw error;
    }
    return settle(deps, flow, () => Promise.reject(error));
  }
  return settle(deps, flow, async () => account);
}

/** Cancel in the popup. */
export async function cancelConnect(deps: FlowEngineDeps, flowId: string): Promise<void> {
  // A flow already completing runs to its end: its outcome will say how it went.
  const flow = await dropWaiting(deps, (f) => f.flowId === flowId);
  if (!flow) return;
  await deps.client.cancelFlow(flowId).catch(() => undefined);
  if (flow.tabId !== undefined) await deps.browser.closeTab(flow.tabId).catch(() => undefined);
  await recordOutcome(deps, { kind: 'cancelled', provider: flow.provider });
}

/** `tabs.onRemoved`: the user closed the provider's tab before finishing (callback mode only: a PIN tab may go). */
export async function handleTabClosed(deps: FlowEngineDeps, tabId: number): Promise<void> {
  const flow = await dropWaiting(deps, (f) => f.tabId === tabId && f.mode === 'callback');
  if (!flow) return;
  await deps.client.cancelFlow(flow.flowId).catch(() => undefined);
  await recordOutcome(deps, { kind: 'closed', provider: flow.provider });
}

/** `alarms.onAlarm`: a flow's ten minutes are up. */
export async function handleAlarm(deps: FlowEngineDeps, name: string): Promise<void> {
  if (!name.startsWith(ALARM_PREFIX)) return;
  const flowId = name.slice(ALARM_PREFIX.length);
  const flow = await dropWaiting(deps, (f) => f.flowId === flowId);
  if (flow) await recordOutcome(deps, { kind: 'expired', provider: flow.provider });
}

/** Flows whose time is up although no alarm said so (alarms may not survive a browser restart). */
export async function dropExpired(deps: FlowEngineDeps): Promise<void> {
  const now = deps.now();
  for (;;) {
    const flow = await dropWaiting(deps, (f) => f.expiresAt <= now);
    if (!flow) return;
    await recordOutcome(deps, { kind: 'expired', provider: flow.provider });
  }
}

async function settle(
  deps: FlowEngineDeps,
  flow: PendingFlow,
  complete: () => Promise<{ id: string; screenName: string }>,
): Promise<FlowOutcome> {
  let outcome: FlowOutcome;
  try {
    const account = await complete();
    outcome = {
      kind: 'connected',
      provider: flow.provider,
      screenName: account.screenName,
      accountId: account.id,
    };
  } catch (error) {
    const { code } = ExtensionError.from(error);
    outcome =
      code === 'flow_denied'
        ? { kind: 'denied', provider: flow.provider }
        : { kind: 'failed', provider: flow.provider, code, message: (error as Error).message };
  }
  if (await dropPending(deps, flow.flowId)) await recordOutcome(deps, outcome);
  if (outcome.kind === 'connected') await deps.accounts.refresh(deps).catch(() => undefined);
  return outcome;
}

/** Claims the first waiting flow that matches, atomically: later claims of it find nothing. */
async function claimWaiting(
  deps: FlowEngineDeps,
  matches: (flow: PendingFlow) => boolean,
): Promise<PendingFlow | undefined> {
  return changeState(deps.store, (s) => {
    const flow = Object.values(s.pending).find((f) => f.state === 'waiting' && matches(f));
    if (!flow) return [s, undefined];
    const completing: PendingFlow = { ...flow, state: 'completing' };
    return [{ ...s, pending: { ...s.pending, [flow.flowId]: completing } }, completing];
  });
}

/** Removes the first waiting flow that matches, atomically; a completing one is left to finish. */
async function dropWaiting(
  deps: FlowEngineDeps,
  matches: (flow: PendingFlow) => boolean,
): Promise<PendingFlow | undefined> {
  const flow = await changeState(deps.store, (s) => {
    const found = Object.values(s.pending).find((f) => f.state === 'waiting' && matches(f));
    if (!found) return [s, undefined];
    const { [found.flowId]: _gone, ...pending } = s.pending;
    return [{ ...s, pending }, found];
  });
  if (flow) deps.browser.clearAlarm(`${ALARM_PREFIX}${flow.flowId}`);
  return flow;
}

async function dropPending(deps: FlowEngineDeps, flowId: string): Promise<PendingFlow | undefined> {
  deps.browser.clearAlarm(`${ALARM_PREFIX}${flowId}`);
  return changeState(deps.store, (s) => {
    const flow = s.pending[flowId];
    if (!flow) return [s, undefined];
    const { [flowId]: _gone, ...pending } = s.pending;
    return [{ ...s, pending }, flow];
  });
}

async function recordOutcome(deps: FlowEngineDeps, outcome: FlowOutcome): Promise<void> {
  await changeState(deps.store, (s) => [{ ...s, lastOutcome: outcome }, undefined]);
}

/** Same scheme, host, port and path: the query carries the parameters. */
function sameEndpoint(expected: string, actual: URL): boolean {
  const target = new URL(expected);
  return target.origin === actual.origin && target.pathname === actual.pathname;
}

/**
 * Whether a navigated URL may be a companion's callback: a cheap filter so
 * that most navigations cost no IndexedDB work (lib/background/listeners.ts).
 * handleTabUrl then compares it with the flow's own callback URL, tab and
 * request token.
 */
export function isCallbackUrl(url: string | undefined): boolean {
  return url?.includes('/oauth/callback?') === true;
}
