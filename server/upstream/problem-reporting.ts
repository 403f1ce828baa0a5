import { parseAuthorizationHeader, parseFormEncoded } from '../../lib/oauth1';
import type { UpstreamResponse } from './transport';

/** How much of an answer's body is read for problem parameters: they come in short error answers. */
const PROBLEM_BODY_BYTES = 4096;

export interface OAuthProblem {
  /** `oauth_problem`, e.g. `timestamp_refused`, `token_rejected`, `permission_denied`. */
  readonly problem: string;
  /** `oauth_acceptable_timestamps` as [first, last] seconds, when the provider says. */
  readonly acceptableTimestamps?: readonly [number, number] | undefined;
  /**
   * `oauth_parameters_rejected`: the names of the parameters refused ("a set of
   * parameter names, percent-encoded and separated by &"), decoded; empty when absent.
   */
  readonly parametersRejected: readonly string[];
}

/**
 * The OAuth Problem Reporting extension's parameters in an answer: "SHOULD be
 * included in an OAuth WWW-Authenticate header", "MAY also be included in the
 * response body" (https://wiki.oauth.net/w/page/12238543/ProblemReporting).
 * The header is read first; a body second, only when the whole body is a
 * short form-encoded text (as OAuth 1.0 section 5.3 writes parameters): an
 * API that echoes its input in an error must not pass for a problem report.
 * Undefined when neither reports a problem.
 */
export function oauthProblemOf(response: UpstreamResponse): OAuthProblem | undefined {
  const header = response.headers.get('www-authenticate');
  const fromHeader = header ? headerParameters(header) : undefined;
  const parameters = fromHeader?.has('oauth_problem') === true ? fromHeader : bodyParameters(response);
  const problem = parameters.get('oauth_problem');
  if (!problem) return undefined;
  const range = /^(\d{1,12})-(\d{1,12})$/.exec(parameters.get('oauth_acceptable_timestamps') ?? '');
  return {
    problem,
    acceptableTimestamps: range ? [Number(range[1]), Number(range[2])] : undefined,
    parametersRejected: namesOf(parameters.get('oauth_parameters_rejected')),
  };
}

function namesOf(list: string | undefined): string[] {
  if (!list) return [];
  return list.split('&').flatMap((name) => {
    try {
      return [decodeURIComponent(name)];
    } catch {
      return []; // not percent-encoding: no name we could compare
    }
  });
}

function bodyParameters(response: UpstreamResponse): Map<string, string> {
  const type = (response.headers.get('content-type') ?? '').toLowerCase();
  const formLike = type === '' || type.startsWith('application/x-www-form-urlencoded') || type.startsWith('text/plain');
  if (!formLike || response.body.byteLength > PROBLEM_BODY_BYTES) return new Map();
  const text = new TextDecoder().decode(response.body).trim();
  if (!/^oauth_problem=[^&\s]*(&[\w.~%-]+=[^&\s]*)*$/.test(text)) return new Map();
  return new Map(parseFormEncoded(text));
}

function headerParameters(header: string): Map<string, string> | undefined {
  try {
    return new Map(parseAuthorizationHeader(header).parameters);
  } catch {
    return undefined; // another scheme, or not the extension's form: nothing to read
  }
}
