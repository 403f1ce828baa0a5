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
    apiBaseUrls: [`${origin}/1.1/`, `${origin}/2/`],
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
    // As X's preset: multipart uploads (POST /2/media/upload…), whose fields are not signed.
    uploads: { multipart: { signedFields: 'none' } },
    consumerKey,
    consumerSecretEnv: 'DEV_CONSUMER_SECRET',
    ...overrides,
  };
}

/**
 * A second provider at the same dev provider, with Flickr's and SmugMug's
 * upload rules (multipart with every field but the files signed; a raw body
 * with X-Smug-* headers): for the tests of those rules.
 */
export function devPhotosEntry(origin: string, consumerKey: string) {
  return devProviderEntry(origin, consumerKey, {
    id: 'dev-photos',
    name: 'Dev photos',
    apiBaseUrls: [`${origin}/services/upload/`, `${origin}/upload/`],
    uploads: {
      multipart: { signedFields: 'all-but-files' },
      raw: true,
      headers: [
        'x-smug-albumuri',
        'x-smug-responsetype',
        'x-smug-version',
        'x-smug-title',
        'x-smug-filename',
        'content-md5',
      ],
    },
  });
}
