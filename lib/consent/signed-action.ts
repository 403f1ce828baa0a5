import { type ActivityOutcome, appendActivity, loggedUrl } from '../activity/activity-log';
import type { CompanionClient } from '../companion-client/client';
import { ExtensionError } from '../errors/extension-error';
import { type Handlers, withSchemas } from '../messaging/channel';
import { CONTENT_PARAMS } from '../messaging/content-params';
import {
  type ContentToBackground,
  type FileSummary,
  fileSummaries,
  type SignedActionRequest,
  type SignedActionResult,
} from '../messaging/content-protocol';
import type { Account, ProviderSummary } from '../protocol';
import { allowedApiUrl } from '../protocol/api-url';
import type { GuardedStore } from '../storage/registry';
import { actionRefused } from './action-refused';
import { continueSequence, isUnder, openSequence, SEQUENCE_LIFETIME_MS } from './action-sequences';
import { companionRequest } from './companion-request';
import { askUser, type ConsentWindowPort } from './consent-broker';
import { type ConsentAnswer, type ConsentFile, displayedBody } from './consent-questions';
import { type ContentSender, judgeContentSender } from './content-sender';
import { chooseAccount, consentNeeded, grantSiteConsent, listSiteConsents, touchSiteConsent } from './site-consents';

export interface SignedActionDeps {
  /** Guarded from the request's start (lib/storage/registry.ts): nothing is written into a state reset since. */
  readonly store: GuardedStore;
  readonly client: CompanionClient;
  readonly consentWindow: ConsentWindowPort;
  readonly now: () => number;
  /** Our extension id: messages from any other are refused. */
  readonly ownId: string;
  readonly consentTimeoutMs: number;
  /** The accounts as last fetched (lib/accounts's readAccounts): chosen from without asking the companion. */
  readonly accounts: () => Promise<readonly Account[]>;
  /** Fetches the accounts from the companion and keeps them (lib/accounts's refreshAccounts). */
  readonly refreshAccounts: () => Promise<Account[]>;
  /** The companion's providers (lately fetched ones will do: see providers-memo.ts). */
  readonly providers: () => Promise<ProviderSummary[]>;
}

/**
 * The content channel's handlers over these deps, in the order a message
 * meets them: the sender judged (`sender_refused`, whatever the message
 * holds), then the parameters checked against CONTENT_PARAMS
 * (`file_too_large`, `invalid_message`), then performSignedAction.
 */
export function signedActionHandlers(
  deps: () => Promise<SignedActionDeps>,
  ownId: () => string,
): Handlers<ContentToBackground, ContentSender> {
  return withSchemas<ContentToBackground, ContentSender>(
    CONTENT_PARAMS,
    { requestSignedAction: async (request, sender) => performSignedAction(await deps(), sender, request) },
    (sender) => void judgedSender(sender, ownId()),
  );
}

/** Who asks, or the refusal: `sender_refused`. */
function judgedSender(sender: ContentSender, ownId: string): { origin: string; tabId: number } {
  const verdict = judgeContentSender(sender, ownId);
  if (!verdict.ok) throw actionRefused('sender_refused', verdict.reason);
  return verdict;
}

/**
 * A content script's request for a signed API call (docs/architecture.md,
 * "Content scripts requesting signed actions"), its parameters checked
 * (signedActionHandlers): who asks (from the browser), as whom, with the
 * user's consent for that origin, then the companion signs and sends it.
 * Every request that gets here lands in the activity log, refused or not.
 */
export async function performSignedAction(
  deps: SignedActionDeps,
  sender: ContentSender,
  request: SignedActionRequest,
): Promise<SignedActionResult> {
  const verdict = judgedSender(sender, deps.ownId);
  const origin = verdict.origin;
  const guarded = guardedDeps(deps);
  /** The account the request acts as, once known (also for a refusal after it was chosen). */
  const attempt: { account: Account | null } = { account: null };
  const log = async (outcome: ActivityOutcome) => {
    // Logged after a change of companion too (the log is the user's record), not into a wiped device:
    // the store's guard drops the write then (registry.ts: only the device reset clears the log).
    await appendActivity(deps.store, {
      id: crypto.randomUUID(),
      at: deps.now(),
      origin,
      provider: request.provider,
      account: attempt.account && { id: attempt.account.id, screenName: attempt.account.screenName },
      method: request.method,
      url: loggedUrl(request.url),
      ...(files.length > 0 ? { files } : {}),
      outcome,
    });
  };
  const files: FileSummary[] = fileSummaries(request);

  try {
    const provider = await findProvider(deps.providers, request);
    let account: Account;
    let sequence: string | undefined;
    if (request.inSequence !== undefined) {
      account = await sequenceAccount(deps, request, { origin, tabId: verdict.tabId, provider, files }, attempt);
    } else {
      checkSequence(request, provider);
      account = await consentedAccount(guarded, verdict, provider, request, attempt);
      if (request.sequence) {
        sequence = openSequence({
          origin,
          tabId: verdict.tabId,
          provider: provider.id,
          accountId: account.id,
          under: request.sequence.under,
          requestsLeft: request.sequence.requests,
          bytesLeft: (request.sequence.files ?? []).reduce((sum, f) => sum + f.size, 0),
          expiresAt: deps.now() + SEQUENCE_LIFETIME_MS,
        });
      }
    }
    guarded.assertCurrent();
    const { input, files: bytes } = companionRequest(request);
    const answer = await (bytes.size > 0
      ? deps.client.request(account.id, input, bytes)
      : deps.client.request(account.id, input));
    if (guarded.current()) await touchSiteConsent(deps.store, origin, account.id, deps.now());
    await log({ kind: 'sent', status: answer.status });
    return {
      ...answer,
      account: { id: account.id, provider: account.provider, screenName: account.screenName },
      ...(sequence === undefined ? {} : { sequence }),
    };
  } catch (error) {
    if (error instanceof ExtensionError && error.refused) {
      await log({ kind: 'refused', code: error.loggedCode });
    } else {
      const { code } = ExtensionError.from(error);
      await log({ kind: code === 'url_not_allowed' ? 'refused' : 'failed', code });
      // The companion knows better than our cached list: an account it refuses is shown as such
      // (and the toolbar badge says so at once, without waiting for the popup to be opened).
      if (code === 'account_invalid' || code === 'account_not_found' || code === 'account_needs_reconnect')
        await guarded.refreshAccounts().catch(() => undefined);
    }
    throw error;
  }
}

async function findProvider(
  providers: () => Promise<ProviderSummary[]>,
  request: SignedActionRequest,
): Promise<ProviderSummary> {
  const provider = (await providers()).find((p) => p.id === request.provider);
  if (!provider) throw actionRefused('unknown_provider', `the companion has no provider "${request.provider}"`);
  // The companion enforces this too; checking first spares the user a question about a call that cannot happen.
  if (!allowedApiUrl(request.url, provider.apiBaseUrls)) {
    // Not which bases are allowed: a page that was never allowed learns no more of the companion's setup than it must.
    throw actionRefused('url_not_allowed', `this URL is not under the ${provider.id} provider's API`);
  }
  return provider;
}

/**
 * A sequence's first step: every step goes under `sequence.under`, itself
 * under the provider's API.
 * @throws ExtensionError (refused) url_not_allowed, invalid_message
 */
function checkSequence(request: SignedActionRequest, provider: ProviderSummary): void {
  if (!request.sequence) return;
  if (!allowedApiUrl(request.sequence.under, provider.apiBaseUrls)) {
    throw actionRefused('url_not_allowed', `the sequence's URL is not under the ${provider.id} provider's API`);
  }
  if (!isUnder(request.url, request.sequence.under)) {
    throw actionRefused('invalid_message', 'the first step of a sequence goes under its own URL');
  }
}

/**
 * A later step of a sequence: no question, the account the user chose for
 * the first one (action-sequences.ts checks the rest).
 * @throws ExtensionError (refused) sequence_refused
 */
async function sequenceAccount(
  deps: SignedActionDeps,
  request: SignedActionRequest,
  step: { origin: string; tabId: number; provider: ProviderSummary; files: readonly FileSummary[] },
  attempt: { account: Account | null },
): Promise<Account> {
  const accountId = continueSequence(
    request.inSequence as string,
    {
      origin: step.origin,
      tabId: step.tabId,
      provider: step.provider.id,
      accountId: request.accountId,
      url: request.url,
      fileBytes: step.files.reduce((sum, f) => sum + f.size, 0),
    },
    deps.now(),
  );
  const account = (await deps.accounts()).find((a) => a.id === accountId);
  if (!account) throw actionRefused('sequence_refused', 'the account this action was allowed for is gone');
  attempt.account = account;
  return account;
}

/** The deps, bound to the companion state this request began in (the store's guard, lib/storage/generation.ts). */
interface GuardedDeps extends SignedActionDeps {
  current(): boolean;
  /** Refuses, as a no, work that would outlive a reset. */
  assertCurrent(): void;
}

function guardedDeps(deps: SignedActionDeps): GuardedDeps {
  const current = () => deps.store.guard.current();
  const assertCurrent = () => {
    if (!current()) throw actionRefused('consent_denied', deniedMessage({ decision: 'deny', reason: 'wiped' }));
  };
  return {
    ...deps,
    current,
    assertCurrent,
    // The refresh writes the accounts it fetched: never into a state reset meanwhile.
    refreshAccounts: async () => {
      assertCurrent();
      return deps.refreshAccounts();
    },
  };
}

/** The account to act as, once the user has agreed (or had agreed before). */
async function consentedAccount(
  deps: GuardedDeps,
  { origin, tabId }: { origin: string; tabId: number },
  provider: ProviderSummary,
  request: SignedActionRequest,
  attempt: { account: Account | null },
): Promise<Account> {
  const consents = await listSiteConsents(deps.store);
  let choice = chooseAccount(await deps.accounts(), consents, origin, provider.id, request.accountId);
  const allowedBefore = consents.some((c) => c.origin === origin && c.provider === provider.id);
  if (choice.kind === 'none' && allowedBefore) {
    // The cached list may predate a connection made elsewhere: ask the companion once.
    choice = chooseAccount(await deps.refreshAccounts(), consents, origin, provider.id, request.accountId);
    // This site was allowed for this provider before: it may hear why.
    if (choice.kind === 'none') throw actionRefused('no_account', choice.reason);
  }
  if (choice.kind === 'none') {
    // Any other site would learn from an instant no_account that the user has no account there, and
    // from a refresh first (its time, or its failure) the same: it gets a window at once, from the
    // cached list like every other first question, and a plain no. The list is refreshed afterwards,
    // for the next time, and only once the window was shown (a page piling up requests gets
    // consent_pending, and causes no refreshes).
    deps.assertCurrent(); // no question about the state of a companion the user has left
    const answer = await askUser(
      deps,
      {
        ...questionAbout(request, origin, tabId, provider),
        accounts: [],
        kind: 'no-account',
        accountProblem: choice.problem,
      },
      deps.consentTimeoutMs,
    );
    void deps.refreshAccounts().catch(() => undefined);
    throw actionRefused('consent_denied', deniedMessage(answer), 'no_account');
  }
  const candidates = choice.kind === 'account' ? [choice.account] : choice.accounts;
  const preselected = candidates[0] as Account;
  attempt.account = preselected;
  const need = consentNeeded(consents, origin, preselected.id, request.method);
  if (choice.kind === 'account' && need === 'none') return preselected;

  deps.assertCurrent(); // no question about the state of a companion the user has left
  const answer = await askUser(
    deps,
    {
      ...questionAbout(request, origin, tabId, provider),
      accounts: candidates.map((a) => ({ id: a.id, screenName: a.screenName })),
      kind: need === 'write' ? 'write' : 'first-use',
    },
    deps.consentTimeoutMs,
  );
  if (answer.decision === 'deny') throw actionRefused('consent_denied', deniedMessage(answer));
  const chosen = candidates.find((a) => a.id === answer.accountId) ?? preselected;
  attempt.account = chosen;
  // A write this site must confirm is allowed once at most, whatever the answer claims.
  if (answer.decision === 'always' && need !== 'write') {
    deps.assertCurrent();
    await grantSiteConsent(deps.store, {
      origin,
      provider: provider.id,
      accountId: chosen.id,
      screenName: chosen.screenName,
      confirmWrites: answer.confirmWrites === true,
      grantedAt: deps.now(),
      lastUsedAt: null,
    });
  }
  return chosen;
}

/** What every consent window shows: who asks, for which provider, what exactly. */
function questionAbout(request: SignedActionRequest, origin: string, tabId: number, provider: ProviderSummary) {
  return {
    origin,
    provider: provider.id,
    providerName: provider.name,
    method: request.method,
    url: withQuery(request),
    ...displayedBody(request.form ?? textFieldsOf(request), request.json),
    files: filesShown(request),
    ...(request.sequence ? { sequence: { under: request.sequence.under, requests: request.sequence.requests } } : {}),
    tabId,
  };
}

/** A multipart body's text fields, shown as the form fields are. */
function textFieldsOf(request: SignedActionRequest): [string, string][] | undefined {
  if (!request.multipart) return undefined;
  return request.multipart.flatMap((field) =>
    'value' in field ? [[field.name, field.value] as [string, string]] : [],
  );
}

/** Images up to this size get a preview in the consent window (the Blob is kept with the question). */
const PREVIEW_MAX_BYTES = 10 * 1024 * 1024;

/** The files the request sends, and those its sequence's later steps will: name, type, size, and a preview for images. */
function filesShown(request: SignedActionRequest): ConsentFile[] {
  const carried = [
    ...(request.multipart ?? []).flatMap((field) => ('file' in field ? [field.file] : [])),
    ...(request.raw ? [request.raw] : []),
  ].map((f) => ({
    filename: f.filename,
    contentType: f.contentType,
    size: f.bytes.size,
    ...(f.contentType.startsWith('image/') && f.bytes.size <= PREVIEW_MAX_BYTES ? { preview: f.bytes } : {}),
  }));
  return [...carried, ...(request.sequence?.files ?? [])];
}

/** The same words for every no, so a site cannot tell a no-account window from a user's no. */
function deniedMessage(answer: ConsentAnswer): string {
  const why = {
    timeout: 'no answer in time',
    closed: 'the consent window was closed',
    left: 'the page was left or closed',
    wiped: 'the extension was reset',
  }[answer.reason as string];
  return `the user did not allow this (${why ?? 'denied'})`;
}

/** The URL as it will be sent (normalised, so look-alike characters show percent-encoded), query included. */
function withQuery(request: SignedActionRequest): string {
  const url = new URL(request.url);
  for (const [name, value] of request.query ?? []) url.searchParams.append(name, value);
  return url.href;
}
