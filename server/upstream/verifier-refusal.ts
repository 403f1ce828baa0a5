import { oauthProblemOf } from './problem-reporting';
import type { UpstreamResponse } from './transport';

/**
 * A refusal of the verifier itself, the user's mistake rather than the
 * provider's: a 400 or 401 that says so. With the Problem Reporting extension
 * (https://wiki.oauth.net/w/page/12238543/ProblemReporting) only
 * `oauth_problem=parameter_rejected` naming `oauth_verifier` in
 * `oauth_parameters_rejected` counts; any other reported problem
 * (`signature_invalid`, `token_rejected`, ...) does not. Without one, X's
 * wording (its access_token requires the verifier,
 * https://developer.twitter.com/en/docs/authentication/api-reference/access_token,
 * and refuses a wrong one with 401 "Error processing your OAuth request:
 * Invalid oauth_verifier parameter", as its users report in
 * https://github.com/abraham/twitteroauth/issues/619), or another phrase that
 * calls the verifier wrong, in the answer's start; an answer that also speaks of the signature is a signing
 * problem (a debug base string names oauth_verifier too). The request token
 * stays usable for another try.
 */
export function refusesVerifier(response: UpstreamResponse): boolean {
  if (response.status !== 400 && response.status !== 401) return false;
  const problem = oauthProblemOf(response);
  if (problem) return problem.problem === 'parameter_rejected' && problem.parametersRejected.includes('oauth_verifier');
  const said = new TextDecoder().decode(response.body.subarray(0, 512));
  return VERIFIER_CALLED_WRONG.test(said) && !/signature/i.test(said);
}

/** "Invalid oauth_verifier", "verifier is incorrect", "wrong verifier", ...: the verifier, called wrong. */
const VERIFIER_CALLED_WRONG =
  /\b(invalid|incorrect|wrong|expired|rejected|bad)\s+(oauth_)?verifier\b|\b(oauth_)?verifier\b(\s+(parameter|value|code|pin))?\s+(is\s+)?(invalid|incorrect|wrong|expired|rejected|not\s+valid)\b/i;
