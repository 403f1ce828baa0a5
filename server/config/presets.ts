import type { SignatureMethodName } from '../../lib/oauth1';
import type { FlowMode } from '../../lib/protocol';

/**
 * Where a provider says who the user is: fields of the access-token answer,
 * and/or dotted paths into the JSON of its verify-credentials endpoint.
 * The token answer is used when it has the fields; else the endpoint is called.
 */
export interface IdentitySource {
  readonly tokenFields?: { readonly userId: string; readonly screenName: string } | undefined;
  readonly verifyPaths?: { readonly userId: string; readonly screenName: string } | undefined;
}

export interface ProviderPreset {
  readonly name: string;
  readonly requestTokenUrl: string;
  readonly authorizeUrl: string;
  readonly authenticateUrl?: string;
  readonly accessTokenUrl: string;
  readonly invalidateTokenUrl?: string;
  readonly verifyCredentialsUrl?: string;
  readonly apiBaseUrls: readonly string[];
  readonly signatureMethod: SignatureMethodName;
  readonly modes: readonly FlowMode[];
  readonly identity: IdentitySource;
}

/**
 * Real OAuth 1.0a providers, with the endpoints from their documentation.
 * A configuration entry naming one of these needs only its key and secret.
 */
export const PROVIDER_PRESETS = {
  x: {
    name: 'X',
    requestTokenUrl: 'https://api.x.com/oauth/request_token',
    authorizeUrl: 'https://api.x.com/oauth/authorize',
    authenticateUrl: 'https://api.x.com/oauth/authenticate',
    accessTokenUrl: 'https://api.x.com/oauth/access_token',
    invalidateTokenUrl: 'https://api.x.com/1.1/oauth/invalidate_token',
    verifyCredentialsUrl: 'https://api.x.com/1.1/account/verify_credentials.json',
    apiBaseUrls: ['https://api.x.com/1.1/', 'https://api.x.com/2/', 'https://upload.x.com/1.1/'],
    signatureMethod: 'HMAC-SHA1',
    modes: ['callback', 'oob'],
    identity: {
      tokenFields: { userId: 'user_id', screenName: 'screen_name' },
      verifyPaths: { userId: 'id_str', screenName: 'screen_name' },
    },
  },
  tumblr: {
    name: 'Tumblr',
    requestTokenUrl: 'https://www.tumblr.com/oauth/request_token',
    authorizeUrl: 'https://www.tumblr.com/oauth/authorize',
    accessTokenUrl: 'https://www.tumblr.com/oauth/access_token',
    verifyCredentialsUrl: 'https://api.tumblr.com/v2/user/info',
    apiBaseUrls: ['https://api.tumblr.com/v2/'],
    signatureMethod: 'HMAC-SHA1',
    modes: ['callback'],
    // Tumblr users are known by their name; there is no separate numeric id.
    identity: { verifyPaths: { userId: 'response.user.name', screenName: 'response.user.name' } },
  },
  flickr: {
    name: 'Flickr',
    requestTokenUrl: 'https://www.flickr.com/services/oauth/request_token',
    authorizeUrl: 'https://www.flickr.com/services/oauth/authorize',
    accessTokenUrl: 'https://www.flickr.com/services/oauth/access_token',
    apiBaseUrls: ['https://api.flickr.com/services/rest', 'https://up.flickr.com/services/upload/'],
    signatureMethod: 'HMAC-SHA1',
    modes: ['callback', 'oob'],
    identity: { tokenFields: { userId: 'user_nsid', screenName: 'username' } },
  },
  trello: {
    name: 'Trello',
    requestTokenUrl: 'https://trello.com/1/OAuthGetRequestToken',
    authorizeUrl: 'https://trello.com/1/OAuthAuthorizeToken',
    accessTokenUrl: 'https://trello.com/1/OAuthGetAccessToken',
    verifyCredentialsUrl: 'https://api.trello.com/1/members/me',
    apiBaseUrls: ['https://api.trello.com/1/'],
    signatureMethod: 'HMAC-SHA1',
    modes: ['callback'],
    identity: { verifyPaths: { userId: 'id', screenName: 'username' } },
  },
  discogs: {
    name: 'Discogs',
    requestTokenUrl: 'https://api.discogs.com/oauth/request_token',
    authorizeUrl: 'https://www.discogs.com/oauth/authorize',
    accessTokenUrl: 'https://api.discogs.com/oauth/access_token',
    verifyCredentialsUrl: 'https://api.discogs.com/oauth/identity',
    apiBaseUrls: ['https://api.discogs.com/'],
    // Discogs documents PLAINTEXT over HTTPS.
    signatureMethod: 'PLAINTEXT',
    modes: ['callback'],
    identity: { verifyPaths: { userId: 'id', screenName: 'username' } },
  },
  smugmug: {
    name: 'SmugMug',
    requestTokenUrl: 'https://api.smugmug.com/services/oauth/1.0a/getRequestToken',
    authorizeUrl: 'https://api.smugmug.com/services/oauth/1.0a/authorize',
    accessTokenUrl: 'https://api.smugmug.com/services/oauth/1.0a/getAccessToken',
    verifyCredentialsUrl: 'https://api.smugmug.com/api/v2!authuser',
    apiBaseUrls: ['https://api.smugmug.com/api/v2/', 'https://upload.smugmug.com/'],
    signatureMethod: 'HMAC-SHA1',
    modes: ['callback', 'oob'],
    identity: { verifyPaths: { userId: 'Response.User.NickName', screenName: 'Response.User.NickName' } },
  },
  garmin: {
    name: 'Garmin Connect',
    requestTokenUrl: 'https://connectapi.garmin.com/oauth-service/oauth/request_token',
    authorizeUrl: 'https://connect.garmin.com/oauthConfirm',
    accessTokenUrl: 'https://connectapi.garmin.com/oauth-service/oauth/access_token',
    verifyCredentialsUrl: 'https://apis.garmin.com/wellness-api/rest/user/id',
    apiBaseUrls: ['https://apis.garmin.com/'],
    signatureMethod: 'HMAC-SHA1',
    modes: ['callback'],
    identity: { verifyPaths: { userId: 'userId', screenName: 'userId' } },
  },
} as const satisfies Record<string, ProviderPreset>;

export type PresetName = keyof typeof PROVIDER_PRESETS | 'jira';

/**
 * Jira Server / Data Center: OAuth 1.0a with RSA-SHA1 on the site's own
 * host, so the URLs come from the site's base URL.
 */
export function jiraPreset(siteUrl: string): ProviderPreset {
  const base = siteUrl.replace(/\/+$/, '');
  return {
    name: 'Jira',
    requestTokenUrl: `${base}/plugins/servlet/oauth/request-token`,
    authorizeUrl: `${base}/plugins/servlet/oauth/authorize`,
    accessTokenUrl: `${base}/plugins/servlet/oauth/access-token`,
    verifyCredentialsUrl: `${base}/rest/api/2/myself`,
    apiBaseUrls: [`${base}/rest/`],
    signatureMethod: 'RSA-SHA1',
    modes: ['callback', 'oob'],
    identity: { verifyPaths: { userId: 'key', screenName: 'name' } },
  };
}
