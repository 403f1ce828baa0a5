import { describe, expect, it } from 'vitest';
import { ConfigError, ProviderEntry, resolveProvider } from '../../../server/config/providers';

const env = { X_SECRET: 'x-consumer-secret', JIRA_KEY: '-----BEGIN PRIVATE KEY-----\nMII…\n-----END PRIVATE KEY-----' };
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

  it('refuses inline secrets and unknown fields', () => {
    expect(ProviderEntry.safeParse({ id: 'x', consumerKey: 'ck', consumerSecret: 'inline!' }).success).toBe(false);
    expect(ProviderEntry.safeParse({ id: 'X', consumerKey: 'ck' }).success).toBe(false);
  });
});
