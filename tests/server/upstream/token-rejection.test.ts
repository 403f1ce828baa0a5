import { describe, expect, it } from 'vitest';
import { isXv2BareUnauthorized, rejectsToken } from '../../../server/upstream/token-rejection';

const BARE = '{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}';
const answer = (status: number, body: string, headers: Record<string, string> = {}) => ({
  status,
  headers: new Headers(headers),
  body: new TextEncoder().encode(body),
});

describe('rejectsToken: a 401 that names the token', () => {
  it.each([
    ["X v1.1's 89", '{"errors":[{"code":89,"message":"Invalid or expired token."}]}', {}],
    ['OAuth Problem Reporting in the body', 'oauth_problem=token_revoked', {}],
    ['OAuth Problem Reporting in WWW-Authenticate', '', { 'www-authenticate': 'OAuth oauth_problem=token_expired' }],
  ])('%s', (_case, body, headers) => {
    expect(rejectsToken(answer(401, body, headers))).toBe(true);
  });

  it.each([
    ["X's 32 (also a wrong consumer secret)", '{"errors":[{"code":32,"message":"Could not authenticate you."}]}'],
    ["X v2's bare 401 (says nothing about which credential)", BARE],
    ['an OAuth problem about the consumer', 'oauth_problem=consumer_key_rejected'],
  ])('not %s', (_case, body) => {
    expect(rejectsToken(answer(401, body))).toBe(false);
  });

  it('not a 89 with another status', () => {
    expect(rejectsToken(answer(400, '{"errors":[{"code":89}]}'))).toBe(false);
  });
});

describe("isXv2BareUnauthorized: X API v2's 401 that could be the token", () => {
  it.each([
    ['api.x.com', 'https://api.x.com/2/users/me', BARE],
    ['api.twitter.com', 'https://api.twitter.com/2/tweets', BARE],
    ['pretty-printed', 'https://api.x.com/2/users/me', JSON.stringify(JSON.parse(BARE), null, 2)],
    [
      'without a type (about:blank is the default)',
      'https://api.x.com/2/users/me',
      '{"title":"Unauthorized","status":401}',
    ],
  ])('is %s', (_case, url, body) => {
    expect(isXv2BareUnauthorized(new URL(url), answer(401, body))).toBe(true);
  });

  it.each([
    ['from another provider', 'https://api.tumblr.com/2/user/info', 401, BARE],
    ['from a host that only looks like X', 'https://api.x.com.evil.example/2/users/me', 401, BARE],
    ['from X v1.1 (its answers name their code)', 'https://api.x.com/1.1/account/settings.json', 401, BARE],
    ['with another status', 'https://api.x.com/2/users/me', 403, BARE.replace('401', '403')],
    [
      'with a problem type of its own',
      'https://api.x.com/2/users/me',
      401,
      '{"title":"Unauthorized","type":"https://api.x.com/2/problems/not-authorized-for-resource","status":401}',
    ],
    [
      'with more to say',
      'https://api.x.com/2/users/me',
      401,
      BARE.replace('}', ',"reason":"client-not-enrolled","client_id":"123"}'),
    ],
    [
      'with another detail',
      'https://api.x.com/2/users/me',
      401,
      BARE.replace('"detail":"Unauthorized"', '"detail":"Bad app"'),
    ],
    [
      'with v1.1 errors',
      'https://api.x.com/2/users/me',
      401,
      '{"errors":[{"code":32,"message":"Could not authenticate you."}]}',
    ],
    ['not JSON', 'https://api.x.com/2/users/me', 401, 'Unauthorized'],
    ['a JSON array', 'https://api.x.com/2/users/me', 401, `[${BARE}]`],
    ['too long to be bare', 'https://api.x.com/2/users/me', 401, BARE.replace('}', `,"padding":"${' '.repeat(600)}"}`)],
  ])('is not a 401 %s', (_case, url, status, body) => {
    expect(isXv2BareUnauthorized(new URL(url), answer(status, body))).toBe(false);
  });
});
