import {
  isOAuthError,
  parseTemporaryCredentialsResponse,
  parseTokenResponse,
  percentEncode,
  serializeFormEncoded,
  type TokenCredentials,
} from '../../lib/oauth1';
import type { Provider } from '../config/providers';
import { CompanionError } from '../errors';
import { redactText, secretForms } from './secret-redaction';
import { signedCall, type UpstreamDeps, type UpstreamResponse } from './signed-call';
import { rejectsToken } from './token-rejection';
import { refusesVerifier } from './verifier-refusal';

export interface Identity {
  readonly userId: string;
  readonly screenName: string;
}

/**
 * RFC 5849 section 2.1: temporary credentials, with `oauth_callback` (a URL,
 * or "oob" for a PIN) and the provider's own `params` (e.g. X's
 * x_auth_access_type) in the query, signed with the rest.
 */
export async function fetchRequestToken(
  provider: Provider,
  callback: string,
  deps: UpstreamDeps,
  params: Readonly<Record<string, string>> = {},
): Promise<TokenCredentials> {
  const url = new URL(provider.requestTokenUrl);
  const extra = serializeFormEncoded(Object.entries(params));
  if (extra) url.search = url.search.length > 1 ? `${url.search.slice(1)}&${extra}` : extra;
  const response = await signedCall(provider, { method: 'POST', url: url.href, callback }, deps);
  expectOk(provider, response, 'request_token', undefined);
  try {
    return parseTemporaryCredentialsResponse(text(response));
  } catch (error) {
    if (isOAuthError(error, 'callback_not_confirmed')) {
      throw new CompanionError(
        'callback_not_confirmed',
        `${provider.name} did not confirm the callback (oauth_callback_confirmed=true is required)`,
      );
    }
    throw new CompanionError(
      'provider_error',
      `${provider.name} answered request_token with something that is not a token`,
    );
  }
}

/** Section 2.3: token credentials for a verifier. */
export async function fetchAccessToken(
  provider: Provider,
  requestToken: string,
  requestSecret: string,
  verifier: string,
  deps: UpstreamDeps,
): Promise<TokenCredentials> {
  const response = await signedCall(
    provider,
    { method: 'POST', url: provider.accessTokenUrl, token: requestToken, tokenSecret: requestSecret, verifier },
    deps,
  );
  if (refusesVerifier(response)) {
    throw new CompanionError(
      'verifier_rejected',
      `${provider.name} did not accept the verifier (a mistyped PIN?): try again, until the flow expires`,
    );
  }
  expectOk(provider, response, 'access_token', requestSecret);
  try {
    return parseTokenResponse(text(response));
  } catch {
    throw new CompanionError(
      'provider_error',
      `${provider.name} answered access_token with something that is not a token`,
    );
  }
}

/** Who the user is: from the access-token answer when it says, else from verify-credentials. */
export async function identify(provider: Provider, access: TokenCredentials, deps: UpstreamDeps): Promise<Identity> {
  const fields = provider.identity.tokenFields;
  const fromToken = fields && { userId: access.extra[fields.userId], screenName: access.extra[fields.screenName] };
  if (fromToken?.userId && fromToken.screenName) return fromToken as Identity;

  const paths = provider.identity.verifyPaths;
  if (!paths || !provider.verifyCredentialsUrl) {
    throw new CompanionError('provider_error', `${provider.name} did not say who the user is`);
  }
  const response = await signedCall(
    provider,
    { method: 'GET', url: provider.verifyCredentialsUrl, token: access.token, tokenSecret: access.tokenSecret },
    deps,
  );
  expectOk(provider, response, 'verify-credentials', access.tokenSecret);
  let json: unknown;
  try {
    json = JSON.parse(text(response));
  } catch {
    throw new CompanionError('provider_error', `${provider.name}'s verify-credentials answer is not JSON`);
  }
  const userId = valueAt(json, paths.userId);
  const screenName = valueAt(json, paths.screenName);
  if (!userId || !screenName)
    throw new CompanionError('provider_error', `${provider.name}'s verify-credentials answer has no user`);
  return { userId, screenName };
}

/**
 * Asks the provider to invalidate a token, signed with that token: X's
 * `POST /1.1/oauth/invalidate_token`, Trello's `DELETE /1/tokens/{token}`
 * (the preset's `invalidateTokenUrl` and `invalidateTokenMethod`).
 * Never throws: revocation deletes locally whatever the provider says.
 */
export async function invalidateToken(
  provider: Provider,
  token: string,
  tokenSecret: string,
  deps: UpstreamDeps,
): Promise<boolean | 'unsupported'> {
  if (!provider.invalidateTokenUrl) return 'unsupported';
  try {
    const response = await signedCall(
      provider,
      {
        method: provider.invalidateTokenMethod ?? 'POST',
        url: provider.invalidateTokenUrl.replace('{token}', percentEncode(token)),
        token,
        tokenSecret,
      },
      deps,
    );
    return response.status >= 200 && response.status < 300;
  } catch {
    return false;
  }
}

/**
 * Whether the provider still accepts a token, asked with its verify-credentials
 * call, whose 401 says why (X v1.1: 89 for a bad token, 32 for bad consumer
 * credentials): for answers that cannot tell (X API v2's bare 401). False when
 * the provider has no such call, answers anything else, or cannot be reached:
 * only a clear no marks an account invalid. Never throws.
 */
export async function verifyRejectsToken(
  provider: Provider,
  token: string,
  tokenSecret: string,
  deps: UpstreamDeps,
): Promise<boolean> {
  if (!provider.verifyCredentialsUrl) return false;
  try {
    const response = await signedCall(
      provider,
      { method: 'GET', url: provider.verifyCredentialsUrl, token, tokenSecret },
      deps,
    );
    return rejectsToken(response);
  } catch {
    return false;
  }
}

/**
 * Refuses a non-2xx answer, quoting its start to the caller. The quote goes to
 * the extension, so secrets of the call the provider may have echoed (with
 * PLAINTEXT, the Authorization header holds them) are taken out first.
 */
function expectOk(provider: Provider, response: UpstreamResponse, step: string, tokenSecret: string | undefined): void {
  if (response.status >= 200 && response.status < 300) return;
  const quoted = redactText(text(response), secretForms(provider.consumerSecret, tokenSecret));
  const snippet = quoted.slice(0, 200).replace(/\s+/g, ' ');
  throw new CompanionError(
    'provider_error',
    `${provider.name} answered ${step} with HTTP ${response.status}: ${snippet}`,
  );
}

function text(response: UpstreamResponse): string {
  return new TextDecoder().decode(response.body);
}

function valueAt(json: unknown, path: string): string | undefined {
  let value: unknown = json;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
