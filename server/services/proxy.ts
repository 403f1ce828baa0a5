import type { Logger } from 'pino';
import { serializeFormEncoded } from '../../lib/oauth1';
import type { ProxyRequest } from '../../lib/protocol';
import { allowedApiUrl } from '../../lib/protocol/api-url';
import type { Provider } from '../config/providers';
import { CompanionError } from '../errors';
import type { ProxiedAnswer } from '../http/proxy-envelope';
import type { ProxyInput } from '../http/read-proxy-input';
import type { AccountRow } from '../store/store';
import { refusesPermission } from '../upstream/permission-refusal';
import { oauthProblemOf } from '../upstream/problem-reporting';
import { verifyRejectsToken } from '../upstream/provider-client';
import { redactSecrets, secretForms } from '../upstream/secret-redaction';
import { signedCall, type UpstreamDeps, type UpstreamResponse } from '../upstream/signed-call';
import { isXv2BareUnauthorized, rejectsToken } from '../upstream/token-rejection';
import { checkUploadAllowed, uploadBody, uploadHeaders } from '../upstream/upload-body';
import { openAccountTokens } from './accounts';
import type { ServiceContext } from './context';
import { providerOrThrow } from './flows';

/** Request headers an extension may pass on; everything else (cookies, credentials, hop-by-hop) is dropped. */
const FORWARDED_REQUEST_HEADERS = new Set([
  'accept',
  'accept-language',
  'content-language',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
  'prefer',
]);

/** Response headers that are connection-level or could set state in the extension: never passed back. */
const DROPPED_RESPONSE_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'set-cookie',
  'set-cookie2',
  'www-authenticate',
  'content-length',
  'content-encoding',
]);

/**
 * `POST /v1/accounts/{id}/requests`: signs an API call as the install's own
 * account and sends it, only to the provider's API URLs. The answer's bytes
 * are held in the install's share of the answer budget until the caller
 * releases them (once it has passed them on). Files (`multipart`, `raw`) come
 * with the input, already checked against their declared sizes and MD5s.
 * @throws CompanionError account_not_found, account_invalid, url_not_allowed, invalid_request,
 *   upload_not_allowed, upload_mismatch, companion_busy, and the upstream codes (provider_error,
 *   upstream_timeout, upstream_too_large)
 */
export async function proxyRequest(
  context: ServiceContext,
  installId: string,
  accountId: string,
  { request: input, files }: ProxyInput,
  logger: Logger,
): Promise<ProxiedAnswer> {
  const { row, provider, url } = await callTarget(context, installId, accountId, input);
  const json = jsonBody(input.json);
  if (input.query?.length) {
    const added = serializeFormEncoded(input.query);
    url.search = url.search.length > 1 ? `${url.search.slice(1)}&${added}` : added;
  }

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    if (FORWARDED_REQUEST_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
  }
  Object.assign(headers, uploadHeaders(provider, input, files));
  const upload = uploadBody(provider, input, files);
  const { token, tokenSecret } = openAccountTokens(context, row);
  const reservation = context.upstream.answerBudget.open(installId);
  try {
    const call = { method: input.method, url: url.href, form: input.form, json, upload, headers, token, tokenSecret };
    const response = await signedCall(provider, { ...call, reservation }, context.upstream);
    if (refusesPermission(response)) {
      // Nothing happened at the provider; the account needs more access, which only a reconnect gives.
      await context.store.setAccountStatus(row.id, 'needs_permission');
      throw needsReconnect(provider.name, 'needs_permission');
    }
    if (await tokenRejected(provider, url, response, token, tokenSecret, context.upstream)) {
      await context.store.setAccountStatus(
        row.id,
        oauthProblemOf(response)?.problem === 'token_expired' ? 'expired' : 'invalid',
      );
    }
    const now = context.now();
    if (context.lastSeenWrites.due(`account:${row.id}`, now)) await context.store.markAccountUsed(row.id, now);

    // For every signature method, not only PLAINTEXT (whose Authorization header
    // carries both secrets, for an echoing endpoint to hand back): a provider
    // knows both secrets and could return them in any answer, and the rule is
    // that the extension never holds one. Looking costs a few Buffer searches
    // per answer, far below the proof check and the upstream call; an answer
    // without a secret is passed on untouched.
    const redaction = redactSecrets(response, secretForms(provider.consumerSecret, tokenSecret));
    if (redaction.places.length > 0) {
      logger.warn(
        { provider: provider.id, account: row.id, places: redaction.places },
        `${provider.name}'s answer held a secret of this account or of the companion; redacted before passing it on`,
      );
    }
    return { ...responseView(redaction.response), release: () => reservation.release() };
  } catch (error) {
    reservation.release();
    throw error;
  }
}

/**
 * Where a request would go, checked before anything is sent (or, for uploads,
 * read): the install's usable account, its provider, and the URL under the
 * provider's API, with a body the provider takes.
 * @throws CompanionError account_not_found, account_invalid, account_needs_reconnect, url_not_allowed,
 *   invalid_request, upload_not_allowed
 */
export async function callTarget(
  context: ServiceContext,
  installId: string,
  accountId: string,
  input: ProxyRequest,
): Promise<{ row: AccountRow; provider: Provider; url: URL }> {
  const row = await context.store.findAccount(accountId, installId);
  if (!row) throw new CompanionError('account_not_found', 'no such account for this install');
  if (row.status === 'invalid')
    throw new CompanionError(
      'account_invalid',
      'the provider no longer accepts this account’s token: connect it again',
    );
  const provider = providerOrThrow(context, row.provider);
  if (row.status === 'active' && row.expiresAt !== null && row.expiresAt <= context.now()) {
    await context.store.setAccountStatus(row.id, 'expired');
    throw needsReconnect(provider.name, 'expired');
  }
  if (row.status === 'needs_permission' || row.status === 'expired') throw needsReconnect(provider.name, row.status);
  const url = allowedApiUrl(input.url, provider.apiBaseUrls);
  if (!url) throw new CompanionError('url_not_allowed', `${input.url} is not under ${provider.name}'s API URLs`);
  if ([...url.searchParams.keys()].some((name) => name.startsWith('oauth_'))) {
    throw new CompanionError('invalid_request', 'oauth_ parameters are the companion’s to set');
  }
  checkUploadAllowed(provider, input);
  return { row, provider, url };
}

/** The answer for an account that needs to be connected again before it can act. */
function needsReconnect(providerName: string, status: 'needs_permission' | 'expired'): CompanionError {
  return new CompanionError(
    'account_needs_reconnect',
    status === 'expired'
      ? `this account's ${providerName} token has expired: reconnect it`
      : `${providerName} refused: this account was not given the access this needs (e.g. write): reconnect it with write access`,
  );
}

/**
 * Whether the provider's answer says the account's token is dead. X API v2's
 * bare 401 could also mean bad consumer credentials, so it is believed only
 * when verify-credentials, asked with the same token, says the token is bad.
 */
async function tokenRejected(
  provider: Provider,
  url: URL,
  response: UpstreamResponse,
  token: string,
  tokenSecret: string,
  deps: UpstreamDeps,
): Promise<boolean> {
  if (rejectsToken(response)) return true;
  return isXv2BareUnauthorized(url, response) && (await verifyRejectsToken(provider, token, tokenSecret, deps));
}

/** The JSON body as text; one too deeply nested to serialise is the caller's error, not ours. */
function jsonBody(json: unknown): string | undefined {
  if (json === undefined) return undefined;
  try {
    return JSON.stringify(json);
  } catch {
    throw new CompanionError('invalid_request', 'the json body cannot be serialised (too deeply nested?)');
  }
}

/** The answer as the extension may see it: connection-level and state-setting headers dropped. */
function responseView(response: UpstreamResponse): Omit<ProxiedAnswer, 'release'> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!DROPPED_RESPONSE_HEADERS.has(name)) headers[name] = value;
  });
  return { status: response.status, headers, body: response.body };
}
