import { describe, expect, it } from 'vitest';
import { refusesPermission } from '../../../server/upstream/permission-refusal';

const answer = (status: number, body: string, headers: Record<string, string> = {}) => ({
  status,
  headers: new Headers(headers),
  body: new TextEncoder().encode(body),
});

describe('a refusal for lack of access, as each provider answers it', () => {
  it.each([
    [
      'X v1.1, a read-only token that POSTs',
      answer(401, '{"request":"/1.1/statuses/update.json","error":"Read-only application cannot POST."}'),
    ],
    [
      'X v2, oauth1-permissions',
      answer(
        403,
        '{"title":"Unsupported Authentication","detail":"Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.","type":"https://api.twitter.com/2/problems/oauth1-permissions","status":403}',
      ),
    ],
    [
      'Flickr 99 in JSON',
      answer(
        200,
        '{"stat":"fail","code":99,"message":"Insufficient permissions. Method requires write privileges; read granted."}',
      ),
    ],
    [
      'Flickr 99 in XML',
      answer(
        200,
        '<?xml version="1.0"?>\n<rsp stat="fail">\n\t<err code="99" msg="Insufficient permissions" />\n</rsp>',
      ),
    ],
    ['Trello', answer(401, 'unauthorized card permission requested')],
    [
      'Problem Reporting',
      answer(401, '', { 'www-authenticate': 'OAuth realm="api", oauth_problem="permission_denied"' }),
    ],
    ['a Bearer challenge', answer(403, '', { 'www-authenticate': 'Bearer error="insufficient_scope"' })],
  ])('%s', (_what, response) => {
    expect(refusesPermission(response)).toBe(true);
  });

  it.each([
    ['a success', answer(200, '{"id":1}')],
    ['Flickr success that mentions code 99', answer(200, '{"stat":"ok","photo":{"code":99}}')],
    ['X 89, a bad token', answer(401, '{"errors":[{"code":89,"message":"Invalid or expired token."}]}')],
    ['X 32, bad credentials', answer(401, '{"errors":[{"code":32,"message":"Could not authenticate you."}]}')],
    ['a 500 that quotes the words', answer(500, 'Read-only application cannot POST.')],
    ['Problem Reporting, another problem', answer(401, 'oauth_problem=token_rejected')],
  ])('not %s', (_what, response) => {
    expect(refusesPermission(response)).toBe(false);
  });
});
