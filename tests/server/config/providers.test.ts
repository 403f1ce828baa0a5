import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, ProviderEntry, resolveProvider } from '../../../server/config/providers';
import { MINIMAL_CUSTOM_PROVIDER } from '../support/minimal-provider';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const env = {
  X_SECRET: 'x-consumer-secret',
  JIRA_KEY: rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  JIRA_KEY_PKCS1: rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
  OPENSSH_KEY:
    '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----',
  BROKEN_KEY:
    '-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----',
};
const entry = (value: unknown) => ProviderEntry.parse(value);

describe('provider configuration', () => {
  it('fills a preset entry from the preset: X needs only id, key and secret', () => {
    const x = resolveProvider(entry({ id: 'x', consumerKey: 'ck', consumerSecretEnv: 'X_SECRET' }), env);
    expect(x).toMatchObject({
      id: 'x',
      name: 'X',
      requestTokenUrl: 'https://api.x.com/oauth/request_token',
      authenticateUrl: 'https://api.x.com/oauth/authenticate',
      invalidateTokenUrl: 'https://api.x.com/1.1/oauth/invalidate_token',
      signatureMethod: 'HMAC-SHA1',
      consumerKey: 'ck',
      consumerSecret: 'x-consumer-secret',
      modes: ['callback', 'oob'],
    });
  });

  it.each(['tumblr', 'flickr', 'trello', 'discogs', 'smugmug', 'garmin'])('has a working %s preset', (id) => {
    const provider = resolveProvider(entry({ id, consumerKey: 'ck', consumerSecretEnv: 'X_SECRET' }), env);
    expect(provider.apiBaseUrls.length).toBeGreaterThan(0);
    for (const url of [provider.requestTokenUrl, provider.authorizeUrl, provider.accessTokenUrl])
      expect(url).toMatch(/^https:\/\//);
  });

  it('builds the Jira preset (RSA-SHA1) from a site URL and a private key', () => {
    const jira = resolveProvider(
      entry({
        id: 'work-jira',
        preset: 'jira',
        siteUrl: 'https://jira.example.com/',
        consumerKey: 'ck',
        privateKeyEnv: 'JIRA_KEY',
      }),
      env,
    );
    expect(jira).toMatchObject({
      signatureMethod: 'RSA-SHA1',
      requestTokenUrl: 'https://jira.example.com/plugins/servlet/oauth/request-token',
      apiBaseUrls: ['https://jira.example.com/rest/'],
      privateKey: env.JIRA_KEY,
      consumerSecret: '',
    });
  });

  it('lets an entry override a preset and describe a provider with no preset', () => {
    const custom = resolveProvider(
      entry({
        id: 'dev',
        name: 'Dev',
        requestTokenUrl: 'http://127.0.0.1:8788/oauth/request_token',
        authorizeUrl: 'http://127.0.0.1:8788/oauth/authorize',
        accessTokenUrl: 'http://127.0.0.1:8788/oauth/access_token',
        apiBaseUrls: ['http://127.0.0.1:8788/1.1/'],
        signatureMethod: 'HMAC-SHA256',
        modes: ['callback', 'oob'],
        identity: { tokenFields: { userId: 'user_id', screenName: 'screen_name' } },
        consumerKey: 'ck',
        consumerSecretEnv: 'X_SECRET',
      }),
      env,
    );
    expect(custom.signatureMethod).toBe('HMAC-SHA256');
  });

  it.each([
    [{ id: 'x', consumerKey: 'ck' }, /consumerSecretEnv is missing/],
    [{ id: 'x', consumerKey: 'ck', consumerSecretEnv: 'UNSET_VAR' }, /UNSET_VAR is not set/],
    [
      { id: 'other', consumerKey: 'ck', consumerSecretEnv: 'X_SECRET' },
      /"signatureMethod" is missing \(no preset supplies it\)/,
    ],
    [
      { id: 'x', preset: 'myspace', consumerKey: 'ck', consumerSecretEnv: 'X_SECRET' },
      /unknown preset "myspace" \(known: x, tumblr/,
    ],
    [{ id: 'jira', consumerKey: 'ck', privateKeyEnv: 'JIRA_KEY' }, /needs "siteUrl"/],
    [{ id: 'jira', siteUrl: 'https://j.example', consumerKey: 'ck' }, /privateKeyEnv .* is missing/],
  ])('explains what to fix: %j', (value, message) => {
    expect(() => resolveProvider(entry(value), env)).toThrow(ConfigError);
    expect(() => resolveProvider(entry(value), env)).toThrow(message);
  });

  it.each([
    [
      'OPENSSH_KEY',
      /OPENSSH_KEY: the RSA key cannot be used: a "OPENSSH PRIVATE KEY" block is not an RSA private key; use PKCS#8/,
    ],
    ['BROKEN_KEY', /BROKEN_KEY: the RSA key does not load/],
  ])('refuses an RSA key that will not sign at start-up (%s), naming the accepted formats', (variable, message) => {
    const jira = entry({ id: 'jira', siteUrl: 'https://j.example', consumerKey: 'ck', privateKeyEnv: variable });
    expect(() => resolveProvider(jira, env)).toThrow(ConfigError);
    expect(() => resolveProvider(jira, env)).toThrow(message);
  });

  it('takes a PKCS#1 RSA key as well as PKCS#8', () => {
    const jira = entry({
      id: 'jira',
      siteUrl: 'https://j.example',
      consumerKey: 'ck',
      privateKeyEnv: 'JIRA_KEY_PKCS1',
    });
    expect(resolveProvider(jira, env).privateKey).toBe(env.JIRA_KEY_PKCS1);
  });

  it.each(['requestTokenUrl', 'authorizeUrl', 'accessTokenUrl', 'verifyCredentialsUrl'])(
    'refuses a %s that carries an oauth_ parameter (the companion sets them)',
    (field) => {
      const x = entry({
        id: 'x',
        consumerKey: 'ck',
        consumerSecretEnv: 'X_SECRET',
        [field]: 'https://api.x.com/oauth/x?oauth_callback=oob',
      });
      expect(() => resolveProvider(x, env)).toThrow(
        `${field} https://api.x.com/oauth/x?oauth_callback=oob carries oauth_callback`,
      );
    },
  );

  it('gives a provider without a preset both flows and X-style identity fields, and says so', () => {
    const warnings: string[] = [];
    const minimal = resolveProvider(entry(MINIMAL_CUSTOM_PROVIDER), env, (warning) => warnings.push(warning));
    expect(minimal.modes).toEqual(['callback', 'oob']);
    expect(minimal.identity).toEqual({ tokenFields: { userId: 'user_id', screenName: 'screen_name' } });
    expect(warnings).toEqual([
      expect.stringContaining('provider "custom": no "identity" given'),
      expect.stringContaining('provider "custom": no "modes" given'),
    ]);
    // A preset's own values are no assumption: no warning.
    const quiet: string[] = [];
    resolveProvider(entry({ id: 'x', consumerKey: 'ck', consumerSecretEnv: 'X_SECRET' }), env, (w) => quiet.push(w));
    expect(quiet).toEqual([]);
  });

  it('carries each preset’s upload rule, and lets an entry set its own', () => {
    const uploads = (id: string) =>
      resolveProvider(entry({ id, consumerKey: 'ck', consumerSecretEnv: 'X_SECRET' }), env).uploads;
    expect(uploads('x')).toEqual({ multipart: { signedFields: 'none' } });
    expect(uploads('tumblr')).toEqual({ multipart: { signedFields: 'none' } });
    expect(uploads('flickr')).toEqual({ multipart: { signedFields: 'all-but-files' } });
    expect(uploads('smugmug')?.raw).toBe(true);
    expect(uploads('smugmug')?.headers).toEqual(expect.arrayContaining(['x-smug-albumuri', 'content-md5']));
    expect(uploads('discogs')).toBeUndefined();
    const custom = resolveProvider(
      entry({ ...MINIMAL_CUSTOM_PROVIDER, uploads: { raw: true, headers: ['x-upload-album'] } }),
      env,
    );
    expect(custom.uploads).toEqual({ raw: true, headers: ['x-upload-album'] });
  });

  it('refuses upload headers that carry credentials or framing, and uploads with bodyHash', () => {
    for (const header of ['authorization', 'cookie', 'host', 'content-length', 'content-type', 'X-Upper', 'a b']) {
      expect(ProviderEntry.safeParse({ ...MINIMAL_CUSTOM_PROVIDER, uploads: { headers: [header] } }).success).toBe(
        false,
      );
    }
    expect(() =>
      resolveProvider(
        entry({ ...MINIMAL_CUSTOM_PROVIDER, bodyHash: true, uploads: { multipart: { signedFields: 'none' } } }),
        env,
      ),
    ).toThrow(/"bodyHash" and multipart or raw "uploads" cannot be combined/);
  });

  it('refuses inline secrets and unknown fields', () => {
    expect(ProviderEntry.safeParse({ id: 'x', consumerKey: 'ck', consumerSecret: 'inline!' }).success).toBe(false);
    expect(ProviderEntry.safeParse({ id: 'X', consumerKey: 'ck' }).success).toBe(false);
  });
});
