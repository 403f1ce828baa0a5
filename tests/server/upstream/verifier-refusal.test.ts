import { describe, expect, it } from 'vitest';
import { refusesVerifier } from '../../../server/upstream/verifier-refusal';

const answer = (status: number, body: string, headers: Record<string, string> = {}) => ({
  status,
  headers: new Headers(headers),
  body: new TextEncoder().encode(body),
});

/** A refused signature that echoes its base string, as some providers do to help debugging. */
const SIGNATURE_DEBUG =
  'Invalid signature. Expected signature base string: POST&https%3A%2F%2Fapi.example%2Foauth%2Faccess_token&oauth_consumer_key%3Dk%26oauth_verifier%3D1234567 (verifier invalid?)';

describe('refusesVerifier: the user mistyped the PIN, the flow stays open', () => {
  it.each([
    ["X's 401 text", 401, 'Error processing your OAuth request: Invalid oauth_verifier parameter', {}],
    [
      "the dev provider's X-style JSON",
      401,
      '{"errors":[{"code":32,"message":"Invalid oauth_verifier parameter"}]}',
      {},
    ],
    ['other wording', 400, 'The verifier is incorrect.', {}],
    [
      'Problem Reporting in the body',
      401,
      'oauth_problem=parameter_rejected&oauth_parameters_rejected=oauth_verifier',
      {},
    ],
    [
      'Problem Reporting in WWW-Authenticate, among other names',
      401,
      '',
      {
        'www-authenticate':
          'OAuth realm="x", oauth_problem="parameter_rejected", oauth_parameters_rejected="oauth_token%26oauth_verifier"',
      },
    ],
  ])('%s', (_case, status, body, headers) => {
    expect(refusesVerifier(answer(status, body, headers))).toBe(true);
  });

  it.each([
    ['a refused signature that echoes oauth_verifier in its base string', 401, SIGNATURE_DEBUG, {}],
    [
      'a reported signature problem with the base string',
      401,
      'oauth_problem=signature_invalid&debug_sbs=POST%26x%26oauth_verifier%253Dbad',
      {},
    ],
    ['a rejected token, reported', 401, 'oauth_problem=token_rejected', {}],
    ['another rejected parameter', 401, 'oauth_problem=parameter_rejected&oauth_parameters_rejected=oauth_token', {}],
    ['an expired request token (X 89)', 401, '{"errors":[{"code":89,"message":"Invalid or expired token."}]}', {}],
    [
      'a mention of the verifier that calls nothing wrong',
      401,
      'Could not authenticate you (oauth_verifier given).',
      {},
    ],
    ['the wording with another status', 500, 'Invalid oauth_verifier parameter', {}],
  ])('not %s', (_case, status, body, headers) => {
    expect(refusesVerifier(answer(status, body, headers))).toBe(false);
  });
});
