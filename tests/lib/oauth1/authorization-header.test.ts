import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildAuthorizationHeader, type Parameter, parseAuthorizationHeader } from '../../../lib/oauth1';
import { expectOAuthError } from '../../support/expect-oauth-error';

const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const protocolPair: fc.Arbitrary<Parameter> = fc.tuple(
  text.map((n) => `oauth_${n}`),
  text,
);

describe('Authorization header (section 3.5.1)', () => {
  it('writes realm first as a quoted string, then encoded name="value" pairs', () => {
    expect(
      buildAuthorizationHeader(
        [
          ['oauth_consumer_key', '0685bd9184jfhq22'],
          ['oauth_signature', 'wOJIO9A2W5mFwDgiDvZbTSMK/PY='],
        ],
        'Example "quoted" \\ realm',
      ),
    ).toBe(
      'OAuth realm="Example \\"quoted\\" \\\\ realm", oauth_consumer_key="0685bd9184jfhq22", oauth_signature="wOJIO9A2W5mFwDgiDvZbTSMK%2FPY%3D"',
    );
  });

  it('parses what it builds, for any parameters and realm', () => {
    fc.assert(
      fc.property(fc.array(protocolPair, { maxLength: 6 }), fc.option(text, { nil: undefined }), (pairs, realm) => {
        const parsed = parseAuthorizationHeader(buildAuthorizationHeader(pairs, realm));
        expect(parsed.parameters).toEqual(pairs);
        expect(parsed.realm).toBe(realm);
      }),
    );
  });

  it('parses the RFC 5849 section 1.2 example, any scheme case and spacing', () => {
    const parsed = parseAuthorizationHeader(
      'oauth realm="Photos",  oauth_consumer_key="dpf43f3p2l4k3l03" ,oauth_signature_method="HMAC-SHA1",oauth_signature="74KNZJeDHnMBp0EMJ9ZHt%2FXKycU%3D", oauth_version=1.0',
    );
    expect(parsed.realm).toBe('Photos');
    expect(parsed.parameters).toEqual([
      ['oauth_consumer_key', 'dpf43f3p2l4k3l03'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_signature', '74KNZJeDHnMBp0EMJ9ZHt/XKycU='],
      ['oauth_version', '1.0'],
    ]);
  });

  it.each([
    ['another scheme', 'Bearer abc'],
    ['a scheme prefix only', 'OAuthx a="b"'],
    ['an unterminated quote', 'OAuth a="b'],
    ['a missing comma', 'OAuth a="b" c="d"'],
    ['a missing value', 'OAuth a='],
    ['garbage', 'OAuth ,,,'],
  ])('refuses %s', async (_case, header) => {
    await expectOAuthError(() => parseAuthorizationHeader(header), 'malformed_authorization_header');
  });

  it('reads Realm in any case as the realm, never as a signed parameter', () => {
    expect(parseAuthorizationHeader('OAuth REALM="Photos", oauth_nonce="n"')).toEqual({
      realm: 'Photos',
      parameters: [['oauth_nonce', 'n']],
    });
  });

  it('refuses a realm given twice', async () => {
    await expectOAuthError(() => parseAuthorizationHeader('OAuth realm="a", realm="b"'), 'parameter_duplicated');
  });

  it('refuses to put control characters in a realm', async () => {
    await expectOAuthError(() => buildAuthorizationHeader([], 'a\r\nInjected: yes'), 'invalid_request');
  });
});
