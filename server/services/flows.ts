import type { TokenCredentials } from '../../lib/oauth1';
import type { Account, CompleteFlowRequest, CreateFlowRequest, CreateFlowResponse } from '../../lib/protocol';
import { accessFor, authorizationParamsFor } from '../config/authorization-params';
import type { Provider } from '../config/providers';
import { retirementStage } from '../config/retirement';
import { CompanionError } from '../errors';
import { newId } from '../store/rows';
import type { FlowRow } from '../store/store';
import { fetchAccessToken, fetchRequestToken, identify, invalidateToken } from '../upstream/provider-client';
import { accountSealingContext, flowSealingContext } from '../vault/sealing-context';
import { accountView } from './accounts';
import { FLOW_LIFETIME_MS, type ServiceContext } from './context';

export function providerOrThrow(context: ServiceContext, id: string): Provider {
  const provider = context.settings.providers.get(id);
  if (!provider) throw new CompanionError('unknown_provider', `no provider "${id}" is configured`);
  return provider;
}

export function callbackUrl(context: ServiceContext): string {
  return `${context.settings.publicUrl}/oauth/callback`;
}

/** Step 2 of the flow: a request token bound to this install, for 10 minutes. */
export async function createFlow(
  context: ServiceContext,
  installId: string,
  input: CreateFlowRequest,
): Promise<CreateFlowResponse> {
  const provider = providerOrThrow(context, input.provider);
  if (retirementStage(provider.retirement, context.now()) === 'retired') {
    throw new CompanionError(
      'provider_retired',
      provider.retirement?.note ?? `${provider.name} has retired OAuth 1.0a`,
    );
  }
  const mode = input.mode ?? 'callback';
  if (!provider.modes.includes(mode)) {
    throw new CompanionError('mode_not_supported', `${provider.name} does not offer the ${mode} mode`);
  }
  const access = accessFor(provider, input.access);
  if (input.accountId !== undefined) {
    const target = await context.store.findAccount(input.accountId, installId);
    if (!target) throw new CompanionError('account_not_found', 'no such account for this install');
    if (target.provider !== provider.id) {
      throw new CompanionError('invalid_request', `account ${input.accountId} is not a ${provider.name} account`);
    }
  }
  const params = authorizationParamsFor(provider, access, context.settings.appName);
  const callback = mode === 'oob' ? 'oob' : callbackUrl(context);
  const temporary = await fetchRequestToken(provider, callback, context.upstream, params.requestToken);

  const id = newId();
  const now = context.now();
  const expiresAt = now + FLOW_LIFETIME_MS;
  // The install's row: written by its first flow, the first thing a real install does.
  if (context.lastSeenWrites.due(`install:${installId}`, now)) await context.store.touchInstall(installId, now);
  await context.store.insertFlow({
    id,
    installId,
    provider: provider.id,
    mode,
    requestToken: temporary.token,
    requestSecret: context.vault.seal(temporary.tokenSecret, flowSealingContext(id)),
    callbackUrl: mode === 'oob' ? null : callback,
    createdAt: now,
    expiresAt,
    state: 'pending',
    claimedAt: null,
    access,
    accountId: input.accountId ?? null,
  });

  // Authorize asks every time; authenticate (X's "Sign in with X") may skip the
  // question for a user who already approved. Connecting asks, unless a login
  // is forced or a user named, which X only honours on authenticate too.
  const base =
    (input.forceLogin || input.screenName) && provider.authenticateUrl
      ? provider.authenticateUrl
      : provider.authorizeUrl;
  const authorize = new URL(base);
  for (const [name, value] of Object.entries(params.authorize)) authorize.searchParams.set(name, value);
  authorize.searchParams.set('oauth_token', temporary.token);
  if (input.forceLogin) authorize.searchParams.set('force_login', 'true');
  if (input.screenName) authorize.searchParams.set('screen_name', input.screenName);
  return {
    flowId: id,
    authorizeUrl: authorize.href,
    requestToken: temporary.token,
    callbackUrl: mode === 'oob' ? null : callback,
    expiresAt: new Date(expiresAt).toISOString(),
  };
}

/**
 * Steps 5 and 6: checks install, expiry, the request token and single use,
 * exchanges the verifier, and stores the account with its tokens sealed.
 * A failed exchange ends the flow: the provider's verifier is single-use.
 */
export async function completeFlow(
  context: ServiceContext,
  installId: string,
  flowId: string,
  input: CompleteFlowRequest,
): Promise<Account> {
  const flow = await context.store.findFlow(flowId);
  // Another install's flow is answered exactly like a missing one.
  if (!flow || flow.installId !== installId)
    throw new CompanionError('flow_not_found', 'no such flow for this install');
  if (wasInterrupted(flow, context.now())) {
    await context.store.deleteFlow(flowId);
    throw interrupted();
  }
  if (flow.expiresAt <= context.now()) throw new CompanionError('flow_expired', 'this flow expired; start again');
  if (flow.state !== 'pending') throw new CompanionError('flow_completed', 'this flow was already completed');
  if ('denied' in input) {
    if (input.denied !== flow.requestToken)
      throw new CompanionError('token_mismatch', 'the denied token is not this flow’s');
    await context.store.deleteFlow(flowId);
    throw new CompanionError('flow_denied', 'the user declined at the provider');
  }
  const tokenRequired = flow.mode === 'callback';
  if ((tokenRequired || input.oauthToken !== undefined) && input.oauthToken !== flow.requestToken) {
    throw new CompanionError('token_mismatch', 'oauth_token does not belong to this flow');
  }
  if (!(await context.store.claimFlow(flowId, installId, context.now()))) {
    throw new CompanionError('flow_completed', 'this flow was already completed');
  }

  const provider = providerOrThrow(context, flow.provider);
  let access: TokenCredentials | undefined;
  /** Set when the issued token may be one an account here already uses, which revoking would break. */
  let tokenMayBeInUse = false;
  try {
    const requestSecret = context.vault.open(flow.requestSecret, flowSealingContext(flow.id));
    access = await fetchAccessToken(provider, flow.requestToken, requestSecret, input.oauthVerifier, context.upstream);
    const token = access;
    const who = await identify(provider, token, context.upstream);
    if (flow.accountId !== null) {
      // Some providers hand back the same token each time a user authorizes the app: if this other user
      // has an account here already, the token may be theirs, and it is not revoked below.
      tokenMayBeInUse = (await context.store.listAccounts(installId)).some(
        (account) => account.provider === provider.id && account.userId === who.userId,
      );
      await expectSameUser(context, flow.accountId, installId, who);
    }
    const row = await context.store.completeFlowWithAccount(
      flowId,
      { installId, provider: provider.id, userId: who.userId },
      { screenName: who.screenName, expiresAt: expiryOf(token, context.now()) },
      (accountId) => {
        const ad = accountSealingContext(accountId, installId);
        return { token: context.vault.seal(token.token, ad), tokenSecret: context.vault.seal(token.tokenSecret, ad) };
      },
      context.now(),
    );
    if (!row) throw new CompanionError('flow_expired', 'this flow was cancelled or expired while it completed');
    return accountView(row);
  } catch (error) {
    if (error instanceof CompanionError && error.code === 'verifier_rejected') {
      // The user's mistake (a mistyped PIN): the flow stays open for another try until it expires.
      await context.store.releaseFlow(flowId);
      throw error;
    }
    await context.store.deleteFlow(flowId);
    // A token the provider issued but we did not keep must not stay valid there.
    if (access && !tokenMayBeInUse) await invalidateToken(provider, access.token, access.tokenSecret, context.upstream);
    throw error;
  }
}

/**
 * A reconnection must come back as its account's user: a token of someone
 * else is not put in its place (nor kept: the caller invalidates it).
 * @throws CompanionError `reconnect_other_user`
 */
async function expectSameUser(
  context: ServiceContext,
  accountId: string,
  installId: string,
  who: { userId: string; screenName: string },
): Promise<void> {
  const target = await context.store.findAccount(accountId, installId);
  if (target?.userId === who.userId) return;
  const was = target ? `@${target.screenName}` : 'the account being reconnected';
  throw new CompanionError(
    'reconnect_other_user',
    `the provider signed in @${who.screenName}, not ${was}: sign in as ${was} to reconnect it, or use Add another account`,
  );
}

/**
 * When the access token expires, where the provider says: `oauth_expires_in`
 * seconds in the token answer (the OAuth Session extension, as Jira and Yahoo
 * answer it). Null when it does not say.
 */
function expiryOf(token: TokenCredentials, now: number): number | null {
  const seconds = Number(token.extra.oauth_expires_in);
  return Number.isFinite(seconds) && seconds > 0 ? now + seconds * 1000 : null;
}

/** `DELETE /v1/flows/{id}`: the user cancelled or closed the tab. A flow being completed runs to its end. */
export async function cancelFlow(context: ServiceContext, installId: string, flowId: string): Promise<void> {
  const flow = await context.store.findFlow(flowId);
  if (!flow || flow.installId !== installId)
    throw new CompanionError('flow_not_found', 'no such flow for this install');
  if (flow.state === 'completing' && !wasInterrupted(flow, context.now())) {
    throw new CompanionError('flow_completed', 'this flow is being completed');
  }
  await context.store.deleteFlow(flowId);
}

/**
 * Longer than any completion can take: the access-token call and the identity
 * call, each up to the 15 s upstream deadline and signed twice at most (a
 * clock-skew retry). A flow still completing after that was cut off.
 */
export const STRANDED_AFTER_MS = 90_000;

/** Whether a crash cut off this flow's completion: marked so at start-up or by the sweep, or claimed too long ago. */
function wasInterrupted(flow: FlowRow, now: number): boolean {
  if (flow.state === 'interrupted') return true;
  return flow.state === 'completing' && (flow.claimedAt === null || flow.claimedAt < now - STRANDED_AFTER_MS);
}

function interrupted(): CompanionError {
  return new CompanionError(
    'flow_interrupted',
    'the companion stopped while completing this connection: connect again',
  );
}

/**
 * Ends the flows a crash left completing, as `interrupted`: at start-up every
 * one when this process is the store's only user (SQLite), else those claimed
 * longer ago than any completion takes (PostgreSQL, whose other instances may
 * be completing theirs); and so on every sweep. A token the provider issued in
 * that window was never stored, so it cannot be revoked from here: it stays
 * valid at the provider until the user revokes the app there
 * (docs/troubleshooting.md). Returns how many flows ended.
 */
export async function interruptStrandedFlows(context: ServiceContext, atStartUp: boolean): Promise<number> {
  const claimedBefore =
    atStartUp && context.store.kind === 'sqlite' ? Number.MAX_SAFE_INTEGER : context.now() - STRANDED_AFTER_MS;
  return context.store.interruptStrandedFlows(claimedBefore);
}
