/**
 * DEBUG_SIGNATURES: when a provider answers a signed call with 401, the
 * signature base string (RFC 5849 section 3.4.1) of that call is logged, so
 * that an operator can put it beside the one the provider computed (some
 * providers quote theirs in the answer; a provider's own tooling, or a
 * known-good client, can make one for the same request).
 *
 * The base string holds the method, URL, query and form parameters, and the
 * protocol parameters: consumer key, token, nonce, timestamp, callback. None
 * of these is a secret; the consumer secret, the token secret and the
 * signing key made of them are not in it, since the signature itself is not
 * part of what is signed. `oauth_verifier` is, and is replaced: it is
 * single-use and short-lived, but it turns a request token into an access
 * token until it is used, and a log outlives that.
 */
import type { Logger } from 'pino';
import { baseStringUri, type Parameter, signatureBaseString } from '../../lib/oauth1';
import type { Provider } from '../config/providers';
import { REDACTED, redactText, secretForms } from './secret-redaction';
import type { UpstreamResponse } from './transport';

/** How much of the provider's answer is logged: enough for an error message, not a page. */
const ANSWER_PREVIEW_CHARS = 500;

export interface RefusedSignature {
  /** The provider's id in COMPANION_CONFIG. */
  readonly provider: string;
  readonly method: string;
  /** The URL without its query: the base string URI (section 3.4.1.2). The query's parameters are in `baseString`. */
  readonly url: string;
  readonly status: number;
  readonly signatureMethod: string;
  /** Section 3.4.1.1, over exactly the parameters that were signed, `oauth_verifier`'s value replaced by `[redacted]`. */
  readonly baseString: string;
  /** The start of the provider's answer, with every form of the call's secrets replaced by `[redacted]`. */
  readonly answer: string;
}

/**
 * What to log about a call the provider refused. `protocolParameters` are the
 * ones the call was signed with (lib/oauth1's SignedRequest, nonce and
 * timestamp included); lib/oauth1's `signatureBaseString` builds the base
 * string from them and the call's method, URL and form, as signing did.
 */
export function refusedSignature(
  provider: Provider,
  call: {
    readonly method: string;
    readonly url: string;
    readonly form?: readonly Parameter[] | undefined;
    readonly tokenSecret?: string | undefined;
  },
  protocolParameters: readonly Parameter[],
  response: UpstreamResponse,
): RefusedSignature {
  const baseString = signatureBaseString({ method: call.method, url: call.url, form: call.form }, protocolParameters);
  // Neither secret can be in a base string; if one ever were, by some coincidence of values, it stays out of the log.
  const forms = secretForms(provider.consumerSecret, call.tokenSecret);
  const verifier = protocolParameters.find(([name]) => name === 'oauth_verifier')?.[1];
  const answer = new TextDecoder()
    .decode(response.body.subarray(0, ANSWER_PREVIEW_CHARS * 4))
    .slice(0, ANSWER_PREVIEW_CHARS);
  return {
    provider: provider.id,
    method: call.method.toUpperCase(),
    url: baseStringUri(call.url),
    status: response.status,
    signatureMethod: provider.signatureMethod,
    baseString: redactText(withoutVerifier(baseString), forms),
    answer: redactText(verifier ? answer.replaceAll(verifier, REDACTED) : answer, forms),
  };
}

/** Logs each refused signature at warn level, under the fields of RefusedSignature. */
export function logRefusedSignatures(logger: Logger): (refused: RefusedSignature) => void {
  return (refused) =>
    logger.warn(
      refused,
      `${refused.provider} refused ${refused.method} ${refused.url} with HTTP ${refused.status}: compare baseString with the provider's`,
    );
}

/**
 * The base string with the verifier's value replaced. Its third part is the
 * normalised parameters, encoded: pairs joined by `%26`, name and value by
 * `%3D`. A value in it is encoded twice, so its own `%` are `%25` and it can
 * hold neither sequence: splitting there is exact.
 */
function withoutVerifier(baseString: string): string {
  const [method, uri, parameters = ''] = baseString.split('&');
  const pairs = parameters
    .split('%26')
    .map((pair) => (pair.startsWith('oauth_verifier%3D') ? `oauth_verifier%3D${REDACTED}` : pair));
  return `${method}&${uri}&${pairs.join('%26')}`;
}
