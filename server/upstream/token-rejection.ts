import type { UpstreamResponse } from './transport';

/**
 * A 401 that says the token itself is bad: X v1.1's code 89 ("Invalid or
 * expired token"), or OAuth Problem Reporting's token_rejected, token_expired
 * or token_revoked. X's code 32 ("Could not authenticate you") is not one: it
 * is also what a wrong consumer secret gets, which is no fault of the account.
 */
export function rejectsToken(response: UpstreamResponse): boolean {
  if (response.status !== 401) return false;
  const text = new TextDecoder().decode(response.body.subarray(0, 4096));
  return (
    /"code"\s*:\s*89\b|invalid or expired token/i.test(text) ||
    /oauth_problem=(token_rejected|token_expired|token_revoked)/.test(
      `${text} ${response.headers.get('www-authenticate') ?? ''}`,
    )
  );
}

const X_API_HOSTS = new Set(['api.x.com', 'api.twitter.com']);

/** Longer than any bare problem: anything bigger says more than "Unauthorized". */
const BARE_PROBLEM_MAX_BYTES = 512;

/**
 * X API v2's 401: `{"title":"Unauthorized","type":"about:blank","status":401,
 * "detail":"Unauthorized"}` and nothing else, with no v1.1 error code. X
 * documents its 401 as "missing or incorrect authentication credentials. This
 * may also be returned in other undefined circumstances" (developer.x.com,
 * "Response codes and errors"), and users report this very body for wrong or
 * missing consumer keys as for bad tokens (xdevplatform/xurl#8,
 * xdevplatform/samples#69, noweh/twitter-api-v2-php#15). So it only says
 * "maybe the token": marking the account invalid on it alone would lock every
 * account out whenever the companion's own consumer credentials are wrong, and
 * an account once invalid stays so. The proxy asks verify-credentials, whose
 * v1.1 answer tells the two apart, before it believes it.
 *
 * Only X's API hosts and v2 paths: another provider's bare 401 says nothing
 * we know how to read.
 */
export function isXv2BareUnauthorized(url: URL, response: UpstreamResponse): boolean {
  if (response.status !== 401 || !X_API_HOSTS.has(url.hostname) || !url.pathname.startsWith('/2/')) return false;
  if (response.body.byteLength > BARE_PROBLEM_MAX_BYTES) return false;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(response.body));
  } catch {
    return false;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const { title, type, status, detail, ...more } = json as Record<string, unknown>;
  return (
    title === 'Unauthorized' &&
    status === 401 &&
    (type === undefined || type === 'about:blank') &&
    (detail === undefined || detail === 'Unauthorized') &&
    Object.keys(more).length === 0
  );
}
