import { describe, expect, it } from 'vitest';
import { parseTemporaryCredentialsResponse, parseTokenResponse } from '../../../lib/oauth1';
import { expectOAuthError } from '../../support/expect-oauth-error';

describe('token responses (sections 2.1 and 2.3)', () => {
  it('reads an X access-token answer with its extra fields', () => {
    const answer =
      'oauth_token=6253282-eWudHldSbIaelX7swmsiHImEL4KinwaGloHANdrY&oauth_token_secret=2EEfA6BG5ly3sR3XjE0IBSnlQu4ZrUzPiYTmrkVU&user_id=6253282&screen_name=twitterapi';
    expect(parseTokenResponse(answer)).toEqual({
      token: '6253282-eWudHldSbIaelX7swmsiHImEL4KinwaGloHANdrY',
      tokenSecret: '2EEfA6BG5ly3sR3XjE0IBSnlQu4ZrUzPiYTmrkVU',
      extra: { user_id: '6253282', screen_name: 'twitterapi' },
    });
  });

  it('decodes values and tolerates a trailing newline', () => {
    expect(parseTokenResponse('oauth_token=a%2Bb&oauth_token_secret=c+d\n')).toMatchObject({
      token: 'a+b',
      tokenSecret: 'c d',
    });
  });

  it.each([
    ['an empty body', ''],
    ['no secret', 'oauth_token=abc'],
    ['no token', 'oauth_token_secret=abc'],
    ['an empty token', 'oauth_token=&oauth_token_secret=abc'],
    ['an HTML error page', '<html><body>Rate limit exceeded</body></html>'],
    ['a repeated token', 'oauth_token=a&oauth_token=b&oauth_token_secret=c'],
  ])('refuses %s', async (_case, body) => {
    await expectOAuthError(() => parseTokenResponse(body), 'invalid_token_response');
  });

  it('accepts a request-token answer only with oauth_callback_confirmed=true', async () => {
    expect(
      parseTemporaryCredentialsResponse('oauth_token=t&oauth_token_secret=s&oauth_callback_confirmed=true'),
    ).toEqual({
      token: 't',
      tokenSecret: 's',
      extra: {},
    });
    await expectOAuthError(
      () => parseTemporaryCredentialsResponse('oauth_token=t&oauth_token_secret=s'),
      'callback_not_confirmed',
    );
    await expectOAuthError(
      () => parseTemporaryCredentialsResponse('oauth_token=t&oauth_token_secret=s&oauth_callback_confirmed=TRUE'),
      'callback_not_confirmed',
    );
  });
});
