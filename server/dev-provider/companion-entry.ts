/**
 * The companion's COMPANION_CONFIG entry for a dev provider at `origin`:
 * written once here for `npm start`, the tests and the benchmarks.
 */
export function devProviderEntry(origin: string, consumerKey: string, overrides: Record<string, unknown> = {}) {
  return {
    id: 'dev',
    name: 'Dev provider',
    requestTokenUrl: `${origin}/oauth/request_token`,
    authorizeUrl: `${origin}/oauth/authorize`,
    authenticateUrl: `${origin}/oauth/authenticate`,
    accessTokenUrl: `${origin}/oauth/access_token`,
    invalidateTokenUrl: `${origin}/1.1/oauth/invalidate_token`,
    verifyCredentialsUrl: `${origin}/1.1/account/verify_credentials.json`,
    apiBaseUrls: [`${origin}/1.1/`],
    signatureMethod: 'HMAC-SHA1',
    modes: ['callback', 'oob'],
    // As X's preset: x_auth_access_type on request_token.
    accessLevels: {
      read: { requestTokenParams: { x_auth_access_type: 'read' } },
      write: { requestTokenParams: { x_auth_access_type: 'write' } },
    },
    identity: {
      tokenFields: { userId: 'user_id', screenName: 'screen_name' },
      verifyPaths: { userId: 'id_str', screenName: 'screen_name' },
    },
    consumerKey,
    consumerSecretEnv: 'DEV_CONSUMER_SECRET',
    ...overrides,
  };
}
