import { oauthProblemOf } from './problem-reporting';
import type { UpstreamResponse } from './transport';

/** How much of an answer is read for the signals below: they come in short error answers. */
const SIGNAL_BYTES = 4096;

/**
 * Whether the provider refused a call because the token lacks the access it
 * needs (a read-only token asked to write), not because the token is bad:
 * the account then needs to be connected again with more access. Each signal
 * is as providers answer it (docs/providers.md):
 * - X v1.1: HTTP 401 `{"error":"Read-only application cannot POST."}` (as
 *   reported for read-only tokens; X's docs say "Any API method that requires
 *   an HTTP POST is considered a write method and requires read & write
 *   access", https://docs.x.com/fundamentals/authentication/faq);
 * - X v2: HTTP 403 with problem type `…/problems/oauth1-permissions`;
 * - Flickr: `stat=fail` with error 99, "Insufficient permissions"
 *   (https://www.flickr.com/services/api/flickr.photos.setPerms.html), in
 *   JSON or XML, whatever the HTTP status;
 * - Trello: HTTP 401 "unauthorized … permission requested";
 * - OAuth Problem Reporting's `permission_denied`
 *   (https://wiki.oauth.net/w/page/12238543/ProblemReporting), and a Bearer
 *   challenge's `insufficient_scope` (RFC 6750 section 3.1).
 */
export function refusesPermission(response: UpstreamResponse): boolean {
  const text = new TextDecoder().decode(response.body.subarray(0, SIGNAL_BYTES));
  if (isFlickrPermissionError(text)) return true;
  if (response.status === 401 || response.status === 403) {
    if (/read-only application cannot (post|put|delete)/i.test(text)) return true;
    if (/\/problems\/oauth1-permissions\b/.test(text)) return true;
    if (/unauthorized [\w-]+ permission requested/i.test(text)) return true;
    if (/insufficient_scope/.test(response.headers.get('www-authenticate') ?? '')) return true;
    if (oauthProblemOf(response)?.problem === 'permission_denied') return true;
  }
  return false;
}

/** Flickr answers API errors with `stat: fail`: `{"stat":"fail","code":99,…}` or `<rsp stat="fail"><err code="99" …/>`. */
function isFlickrPermissionError(text: string): boolean {
  return (
    /"stat"\s*:\s*"fail"[\s\S]*"code"\s*:\s*99\b|"code"\s*:\s*99\b[\s\S]*"stat"\s*:\s*"fail"/.test(text) ||
    /<rsp\s+stat="fail"\s*>\s*<err\s+code="99"/.test(text)
  );
}
