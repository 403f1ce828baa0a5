import type { SignatureMethodName } from '../../lib/oauth1';
import type { AccessLevel, FlowMode, ProviderRetirement } from '../../lib/protocol';

/**
 * Where a provider says who the user is: fields of the access-token answer,
 * and/or dotted paths into the JSON of its verify-credentials endpoint.
 * The token answer is used when it has the fields; else the endpoint is called.
 */
export interface IdentitySource {
  readonly tokenFields?: { readonly userId: string; readonly screenName: string } | undefined;
  readonly verifyPaths?: { readonly userId: string; readonly screenName: string } | undefined;
}

/**
 * Parameters of the two authorization steps: signed into the request-token
 * call (RFC 5849 section 2.1 lets providers define more), and added to the
 * authorize URL (section 2.2). `{appName}` in a value is the companion's
 * APP_NAME.
 */
export interface AuthorizationParams {
  readonly requestTokenParams?: Readonly<Record<string, string>>;
  readonly authorizeParams?: Readonly<Record<string, string>>;
}

/**
 * What a provider takes besides query, form and JSON bodies: its uploads.
 * Without it, `multipart` and `raw` requests are refused (upload_not_allowed).
 */
export interface UploadRules {
  /**
   * multipart/form-data bodies (RFC 7578), and which of their text fields
   * the signature covers: `none`, RFC 5849's rule (section 3.4.1.3 signs only
   * form-urlencoded bodies; X, Tumblr), or `all-but-files` (Flickr).
   */
  readonly multipart?: { readonly signedFields: 'none' | 'all-but-files' };
  /** A raw body: the file's bytes as the whole body, never signed (SmugMug). */
  readonly raw?: boolean;
  /**
   * Request headers the uploads need, lowercase, passed on from the extension
   * beside the standard ones (SmugMug's `x-smug-…`, `content-md5`). A
   * `content-md5` is checked against the raw body's bytes.
   */
  readonly headers?: readonly string[];
}

export interface ProviderPreset extends AuthorizationParams {
  readonly name: string;
  readonly requestTokenUrl: string;
  readonly authorizeUrl: string;
  readonly authenticateUrl?: string;
  readonly accessTokenUrl: string;
  /**
   * Where a token is revoked, signed with that token. `{token}` in it is
   * replaced by the token, percent-encoded (Trello's DELETE /1/tokens/{token}).
   */
  readonly invalidateTokenUrl?: string;
  /** The method of `invalidateTokenUrl`: POST (X) unless the provider says DELETE (Trello). */
  readonly invalidateTokenMethod?: 'POST' | 'DELETE';
  readonly verifyCredentialsUrl?: string;
  readonly apiBaseUrls: readonly string[];
  readonly signatureMethod: SignatureMethodName;
  readonly modes: readonly FlowMode[];
  readonly identity: IdentitySource;
  /**
   * The `realm` of the Authorization header (RFC 5849 section 3.5.1), for
   * providers that want one (NetSuite-style: the account id). None of the
   * presets does (docs/providers.md).
   */
  readonly realm?: string;
  /** A User-Agent of the provider's own, instead of the companion's default. */
  readonly userAgent?: string;
  /**
   * How the provider's own parameters ask for read or write access; with them,
   * `POST /v1/flows` takes `access` (write by default). Added to the parameters
   * above.
   */
  readonly accessLevels?: Readonly<Record<AccessLevel, AuthorizationParams>>;
  /** When the provider ends OAuth 1.0a: announced 30 days ahead, new flows refused after (retirement.ts). */
  readonly retirement?: ProviderRetirement;
  readonly uploads?: UploadRules;
}

/**
 * Real OAuth 1.0a providers, with the endpoints from their documentation.
 * A configuration entry naming one of these needs only its key and secret.
 * Each value cites the page that states it; docs/providers.md gathers them,
 * with what could not be confirmed from a provider's own pages.
 */
export const PROVIDER_PRESETS = {
  x: {
    name: 'X',
    // Endpoints, invalidate_token and the token answer's user_id/screen_name:
    // https://docs.x.com/fundamentals/authentication/api-reference
    requestTokenUrl: 'https://api.x.com/oauth/request_token',
    authorizeUrl: 'https://api.x.com/oauth/authorize',
    authenticateUrl: 'https://api.x.com/oauth/authenticate',
    accessTokenUrl: 'https://api.x.com/oauth/access_token',
    invalidateTokenUrl: 'https://api.x.com/1.1/oauth/invalidate_token',
    verifyCredentialsUrl: 'https://api.x.com/1.1/account/verify_credentials.json',
    // v2 covers media upload too (POST /2/media/upload, https://docs.x.com/x-api/media/upload-media);
    // X's docs no longer point to the v1.1 upload host.
    apiBaseUrls: ['https://api.x.com/1.1/', 'https://api.x.com/2/'],
    // "The oauth_signature_method used by X is HMAC-SHA1."
    // https://docs.x.com/fundamentals/authentication/oauth-1-0a/authorizing-a-request
    signatureMethod: 'HMAC-SHA1',
    // PIN flow: https://docs.x.com/fundamentals/authentication/oauth-1-0a/pin-based-oauth
    modes: ['callback', 'oob'],
    // x_auth_access_type on request_token, "Supported values are read or write" (api-reference above).
    accessLevels: {
      read: { requestTokenParams: { x_auth_access_type: 'read' } },
      write: { requestTokenParams: { x_auth_access_type: 'write' } },
    },
    identity: {
      tokenFields: { userId: 'user_id', screenName: 'screen_name' },
      verifyPaths: { userId: 'id_str', screenName: 'screen_name' },
    },
    // POST /2/media/upload (one-shot) and /2/media/upload/{id}/append take multipart/form-data
    // (https://docs.x.com/x-api/media/upload-media, https://docs.x.com/x-api/media/append-media-upload).
    // Its text fields are not signed: "Because the method uses multipart POST … Only the oauth_*
    // parameters are used" (https://developer.x.com/en/docs/media/upload-media/uploading-media.html),
    // as RFC 5849 section 3.4.1.3.1 signs only form-urlencoded bodies.
    uploads: { multipart: { signedFields: 'none' } },
  },
  tumblr: {
    name: 'Tumblr',
    // Endpoints, HMAC-SHA1 in the Authorization header only, and user/info's response.user.name:
    // https://www.tumblr.com/docs/en/api/v2 (sections "Authentication" and "/user/info")
    requestTokenUrl: 'https://www.tumblr.com/oauth/request_token',
    authorizeUrl: 'https://www.tumblr.com/oauth/authorize',
    accessTokenUrl: 'https://www.tumblr.com/oauth/access_token',
    verifyCredentialsUrl: 'https://api.tumblr.com/v2/user/info',
    apiBaseUrls: ['https://api.tumblr.com/v2/'],
    signatureMethod: 'HMAC-SHA1',
    modes: ['callback'],
    // Tumblr users are known by their name; there is no separate numeric id.
    identity: { verifyPaths: { userId: 'response.user.name', screenName: 'response.user.name' } },
    // NPF posts with media: "a multi-part form request where the first part contains the JSON body
    // and subsequent parts contain media data" (https://www.tumblr.com/docs/en/api/v2, "Neue Post
    // Format"). The docs do not say the body is signed; Tumblr's own client (tumblr/tumblr.js) signs
    // only the oauth_ parameters, which is RFC 5849's rule for a multipart body.
    uploads: { multipart: { signedFields: 'none' } },
  },
  flickr: {
    name: 'Flickr',
    // Endpoints, "Flickr only supports HMAC-SHA1", and the access-token answer's user_nsid and username:
    // https://www.flickr.com/services/api/auth.oauth.html; upload URL:
    // https://www.flickr.com/services/api/upload.api.html
    requestTokenUrl: 'https://www.flickr.com/services/oauth/request_token',
    authorizeUrl: 'https://www.flickr.com/services/oauth/authorize',
    accessTokenUrl: 'https://www.flickr.com/services/oauth/access_token',
    apiBaseUrls: ['https://api.flickr.com/services/rest', 'https://up.flickr.com/services/upload/'],
    signatureMethod: 'HMAC-SHA1',
    modes: ['callback', 'oob'],
    identity: { tokenFields: { userId: 'user_nsid', screenName: 'username' } },
    // perms=read|write|delete on the authorize URL; uploads need "authentication with 'write'
    // permission" (upload.api.html). The parameter's URL form is known from third parties only
    // (docs/providers.md): Flickr's stored page ends before it.
    accessLevels: {
      read: { authorizeParams: { perms: 'read' } },
      write: { authorizeParams: { perms: 'write' } },
    },
    // Uploads are multipart, and unlike RFC 5849: "the 'photo' parameter should not be included in the
    // signature. All other POST parameters should be included" (upload.api.html above).
    uploads: { multipart: { signedFields: 'all-but-files' } },
  },
  trello: {
    name: 'Trello',
    // Endpoints: https://developer.atlassian.com/cloud/trello/guides/rest-api/authorization/ ("basic
    // OAuth1.0") and Trello's archived docs (github.com/trello-archive/api-docs, apis/authorize.html).
    requestTokenUrl: 'https://trello.com/1/OAuthGetRequestToken',
    authorizeUrl: 'https://trello.com/1/OAuthAuthorizeToken',
    accessTokenUrl: 'https://trello.com/1/OAuthGetAccessToken',
    verifyCredentialsUrl: 'https://api.trello.com/1/members/me',
    // "DELETE /1/tokens/[token] … Required permissions: write" (archived docs, docs/token.html): a
    // read-only token cannot revoke itself; the user then revokes it at trello.com (docs/providers.md).
    invalidateTokenUrl: 'https://api.trello.com/1/tokens/{token}',
    invalidateTokenMethod: 'DELETE',
    apiBaseUrls: ['https://api.trello.com/1/'],
    // scope (read, write, account), expiration (1hour, 1day, 30days, never) and name ("Displayed during
    // the authorization process"): Trello's archived docs, apis/authorize.html. Without them a token is
    // read-only and expires after 30 days (client.js reference, docs/providers.md).
    authorizeParams: { expiration: 'never', name: '{appName}' },
    accessLevels: {
      read: { authorizeParams: { scope: 'read' } },
      write: { authorizeParams: { scope: 'read,write' } },
    },
    signatureMethod: 'HMAC-SHA1',
    modes: ['callback'],
    identity: { verifyPaths: { userId: 'id', screenName: 'username' } },
    // POST /1/cards/{id}/attachments takes the file as multipart/form-data (field `file`):
    // https://developer.atlassian.com/cloud/trello/rest/api-group-cards/#api-cards-id-attachments-post
    // (field names known from generated clients of Atlassian's spec, docs/providers.md). Signed by
    // RFC 5849's rule: the multipart body is not.
    uploads: { multipart: { signedFields: 'none' } },
  },
  discogs: {
    name: 'Discogs',
    requestTokenUrl: 'https://api.discogs.com/oauth/request_token',
    authorizeUrl: 'https://www.discogs.com/oauth/authorize',
    accessTokenUrl: 'https://api.discogs.com/oauth/access_token',
    verifyCredentialsUrl: 'https://api.discogs.com/oauth/identity',
    apiBaseUrls: ['https://api.discogs.com/'],
    // Discogs documents PLAINTEXT over HTTPS (https://www.discogs.com/developers, "OAuth Flow"; its
    // page is not in our reference stores, only quoted by third parties: see docs/providers.md).
    signatureMethod: 'PLAINTEXT',
    modes: ['callback'],
    identity: { verifyPaths: { userId: 'id', screenName: 'username' } },
  },
  smugmug: {
    name: 'SmugMug',
    // Endpoints, HMAC-SHA1, oob ("a six-digit verification code"), tokens that never expire:
    // https://api.smugmug.com/api/v2/doc/tutorial/authorization.html; !authuser:
    // https://api.smugmug.com/api/v2/doc/reference/user.html; uploader:
    // https://api.smugmug.com/api/v2/doc/reference/upload.html
    requestTokenUrl: 'https://api.smugmug.com/services/oauth/1.0a/getRequestToken',
    authorizeUrl: 'https://api.smugmug.com/services/oauth/1.0a/authorize',
    accessTokenUrl: 'https://api.smugmug.com/services/oauth/1.0a/getAccessToken',
    verifyCredentialsUrl: 'https://api.smugmug.com/api/v2!authuser',
    apiBaseUrls: ['https://api.smugmug.com/api/v2/', 'https://upload.smugmug.com/'],
    signatureMethod: 'HMAC-SHA1',
    modes: ['callback', 'oob'],
    identity: { verifyPaths: { userId: 'Response.User.NickName', screenName: 'Response.User.NickName' } },
    // Access (Public, Full; default Public) and Permissions (Read, Add, Modify; default Read) on authorize
    // (authorization.html above). The level cannot be raised later by authorizing again
    // (https://api.smugmug.com/api/v2/doc/tutorial/oauth/faq.html): ask for it the first time.
    authorizeParams: { Access: 'Full' },
    accessLevels: {
      read: { authorizeParams: { Permissions: 'Read' } },
      write: { authorizeParams: { Permissions: 'Modify' } },
    },
    // "make an HTTP POST request to the Uploader API at https://upload.smugmug.com/" with the media as
    // the body, OAuth "in the Authorization header" only; X-Smug-AlbumUri, X-Smug-ResponseType and
    // X-Smug-Version are required, the others optional, and Content-MD5 is "The MD5 digest of the
    // media, base64-encoded" (upload.html above). A raw body is not signed (RFC 5849 section 3.4.1.3.1).
    uploads: {
      raw: true,
      headers: [
        'x-smug-albumuri',
        'x-smug-responsetype',
        'x-smug-version',
        'x-smug-filename',
        'x-smug-title',
        'x-smug-caption',
        'x-smug-keywords',
        'x-smug-hidden',
        'x-smug-imageuri',
        'x-smug-altitude',
        'x-smug-latitude',
        'x-smug-longitude',
        'x-smug-pretty',
        'content-md5',
      ],
    },
  },
  garmin: {
    name: 'Garmin Connect',
    // Garmin's documents are for registered partners only; these endpoints are as quoted from its
    // OAuth document by third parties (docs/providers.md). OAuth 1.0a is retired on 2026-12-31.
    requestTokenUrl: 'https://connectapi.garmin.com/oauth-service/oauth/request_token',
    authorizeUrl: 'https://connect.garmin.com/oauthConfirm',
    accessTokenUrl: 'https://connectapi.garmin.com/oauth-service/oauth/access_token',
    verifyCredentialsUrl: 'https://apis.garmin.com/wellness-api/rest/user/id',
    apiBaseUrls: ['https://apis.garmin.com/'],
    signatureMethod: 'HMAC-SHA1',
    modes: ['callback'],
    identity: { verifyPaths: { userId: 'userId', screenName: 'userId' } },
    // Garmin's partner email of October 2025, as quoted publicly (github.com/marazt/garmin-connect-client#11):
    // "OAuth 1 will be retired on 12/31/2026", replaced by OAuth 2.0 with PKCE.
    retirement: {
      on: '2026-12-31',
      note: 'Garmin retires OAuth 1.0a on 31 December 2026; accounts connected with it stop working then (Garmin moves to OAuth 2.0).',
    },
  },
} as const satisfies Record<string, ProviderPreset>;

export type PresetName = keyof typeof PROVIDER_PRESETS | 'jira';

/**
 * Jira Server / Data Center: OAuth 1.0a with RSA-SHA1 on the site's own
 * host, so the URLs come from the site's base URL. A client "is authorized to
 * have read and write access as that user", no scopes
 * (https://developer.atlassian.com/server/jira/platform/oauth/). On Jira Cloud
 * OAuth 1.0a "is a deprecated authentication protocol and should not be used"
 * (https://developer.atlassian.com/cloud/jira/platform/jira-rest-api-oauth-authentication).
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
