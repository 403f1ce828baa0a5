/**
 * The smallest entry of a provider without a preset that starts: its URLs,
 * signature method, key and secret. `modes` and `identity` are left out on
 * purpose (they get defaults, with a warning).
 */
export const MINIMAL_CUSTOM_PROVIDER = {
  id: 'custom',
  name: 'Custom',
  requestTokenUrl: 'https://api.custom.example/oauth/request_token',
  authorizeUrl: 'https://api.custom.example/oauth/authorize',
  accessTokenUrl: 'https://api.custom.example/oauth/access_token',
  apiBaseUrls: ['https://api.custom.example/v1/'],
  signatureMethod: 'HMAC-SHA1',
  consumerKey: 'ck',
  consumerSecretEnv: 'X_SECRET',
} as const;
