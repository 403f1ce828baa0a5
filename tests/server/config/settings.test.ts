import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../server/config/providers';
import { loadSettings } from '../../../server/config/settings';
import { MINIMAL_CUSTOM_PROVIDER } from '../support/minimal-provider';

const dir = mkdtempSync(join(tmpdir(), 'oauth1-settings-'));
const config = (value: unknown) => {
  const path = join(dir, `${randomBytes(4).toString('hex')}.json`);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
};
const xOnly = config({ providers: [{ id: 'x', consumerKey: 'ck', consumerSecretEnv: 'X_SECRET' }] });
const base = { COMPANION_CONFIG: xOnly, X_SECRET: 'secret', DATABASE_URL: `sqlite:${join(dir, 'db', 'c.db')}` };

describe('loadSettings (the environment of docs/architecture.md)', () => {
  it('has the documented defaults, and generates a development vault key with a warning', () => {
    const settings = loadSettings(base);
    expect(settings).toMatchObject({
      port: 8787,
      host: '127.0.0.1',
      publicUrl: 'http://127.0.0.1:8787',
      production: false,
    });
    expect(settings.providers.get('x')?.consumerSecret).toBe('secret');
    expect(settings.warnings.join()).toMatch(/VAULT_KEY is not set/);
    // The same key on the next start, so the vault still opens.
    expect(loadSettings(base).vaultKeys[0]?.key.equals(settings.vaultKeys[0]?.key as Buffer)).toBe(true);
  });

  it('starts with the minimal entry of a provider without a preset, and warns what it assumed', () => {
    const minimal = config({
      providers: [MINIMAL_CUSTOM_PROVIDER],
    });
    const settings = loadSettings({
      ...base,
      COMPANION_CONFIG: minimal,
      VAULT_KEY: randomBytes(32).toString('base64'),
    });
    expect(settings.providers.get('custom')?.modes).toEqual(['callback', 'oob']);
    expect(settings.warnings).toEqual([
      expect.stringMatching(/provider "custom": no "identity" given/),
      expect.stringMatching(/provider "custom": no "modes" given/),
    ]);
  });

  it('reads PORT, HOST, PUBLIC_URL and VAULT_KEY', () => {
    const key = randomBytes(32).toString('base64');
    const settings = loadSettings({
      ...base,
      PORT: '9000',
      HOST: '0.0.0.0',
      PUBLIC_URL: 'https://c.example/',
      VAULT_KEY: key,
    });
    expect(settings).toMatchObject({ port: 9000, host: '0.0.0.0', publicUrl: 'https://c.example', warnings: [] });
  });

  it.each([
    [{ COMPANION_CONFIG: undefined }, /COMPANION_CONFIG is not set/],
    [{ COMPANION_CONFIG: join(dir, 'missing.json') }, /cannot be read as JSON/],
    [{ COMPANION_CONFIG: config('{"providers": [') }, /cannot be read as JSON/],
    [{ COMPANION_CONFIG: config({ providers: [] }) }, /providers: Too small/],
    [
      {
        COMPANION_CONFIG: config({
          providers: [
            { id: 'x', consumerKey: 'a', consumerSecretEnv: 'X_SECRET' },
            { id: 'x', consumerKey: 'b', consumerSecretEnv: 'X_SECRET' },
          ],
        }),
      },
      /"x" appears twice/,
    ],
    [{ PORT: 'eighty' }, /PORT/],
    [{ VAULT_KEY: 'short' }, /32 bytes/],
    [{ NODE_ENV: 'production', PUBLIC_URL: 'https://c.example' }, /VAULT_KEY is required in production/],
    [{ NODE_ENV: 'production', VAULT_KEY: randomBytes(32).toString('base64') }, /PUBLIC_URL must be https/],
    [{ X_SECRET: undefined }, /X_SECRET is not set/],
    [
      {
        NODE_ENV: 'production',
        PUBLIC_URL: 'https://c.example',
        VAULT_KEY: randomBytes(32).toString('base64'),
        COMPANION_CONFIG: config({
          providers: [
            { id: 'x', consumerKey: 'ck', consumerSecretEnv: 'X_SECRET', requestTokenUrl: 'http://plain.example/rt' },
          ],
        }),
      },
      /production needs https/,
    ],
  ])('stops start-up with a message that says what to fix: %j', (overrides, message) => {
    expect(() => loadSettings({ ...base, ...overrides })).toThrow(message);
    try {
      loadSettings({ ...base, ...overrides });
    } catch (error) {
      expect(['ConfigError', 'VaultError']).toContain((error as Error).name);
      expect((error as Error).message).not.toContain('secret');
    }
  });

  it('reads METRICS_TOKEN; without it there is none (so /metrics answers loopback callers only)', () => {
    const token = randomBytes(24).toString('base64url');
    expect(loadSettings({ ...base, METRICS_TOKEN: token }).metricsToken).toBe(token);
    expect(loadSettings(base).metricsToken).toBeUndefined();
  });

  it.each([
    ['too short', 'short-token'],
    ['empty, e.g. an unset variable in a compose file', ''],
    ['not a Bearer token (a space)', `${'a'.repeat(32)} b`],
    ['not a Bearer token (a quote)', `${'a'.repeat(32)}"`],
  ])('refuses a METRICS_TOKEN that is %s, without printing it', (_case, token) => {
    let caught: unknown;
    try {
      loadSettings({ ...base, METRICS_TOKEN: token });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toMatch(/^bad environment: METRICS_TOKEN: /);
    if (token) expect((caught as Error).message).not.toContain(token);
  });

  it('reads DEBUG_SIGNATURES as a switch, off by default, and warns while it is on', () => {
    expect(loadSettings(base).debugSignatures).toBe(false);
    expect(loadSettings({ ...base, DEBUG_SIGNATURES: '0' }).debugSignatures).toBe(false);
    const on = loadSettings({ ...base, DEBUG_SIGNATURES: '1' });
    expect(on.debugSignatures).toBe(true);
    expect(on.warnings.join()).toMatch(/DEBUG_SIGNATURES is on/);
    expect(loadSettings({ ...base, DEBUG_SIGNATURES: 'true' }).debugSignatures).toBe(true);
    expect(() => loadSettings({ ...base, DEBUG_SIGNATURES: 'verbose' })).toThrow(/DEBUG_SIGNATURES/);
  });

  it('reads UPLOAD_MAX_MB and CONNECTIONS_PER_ADDRESS; the answer budget must hold one largest upload and answer', () => {
    expect(loadSettings(base)).toMatchObject({
      maxUploadBytes: 20 * 1024 * 1024,
      answerBudgetBytes: 48 * 1024 * 1024,
      connectionsPerAddress: 64,
    });
    expect(loadSettings({ ...base, UPLOAD_MAX_MB: '8', CONNECTIONS_PER_ADDRESS: '0' })).toMatchObject({
      maxUploadBytes: 8 * 1024 * 1024,
      connectionsPerAddress: 0,
    });
    expect(() => loadSettings({ ...base, UPLOAD_MAX_MB: '44' })).toThrow(
      /ANSWER_BUDGET_MB \(48\) must be at least UPLOAD_MAX_MB \(44\) \+ 5/,
    );
    expect(loadSettings({ ...base, UPLOAD_MAX_MB: '44', ANSWER_BUDGET_MB: '49' }).maxUploadBytes).toBe(
      44 * 1024 * 1024,
    );
    expect(() => loadSettings({ ...base, UPLOAD_MAX_MB: '0' })).toThrow(ConfigError);
    expect(() => loadSettings({ ...base, CONNECTIONS_PER_ADDRESS: '-1' })).toThrow(ConfigError);
  });

  it('never prints a secret in its errors', () => {
    const leaky = config({
      providers: [{ id: 'x', consumerKey: 'ck', consumerSecretEnv: 'X_SECRET', bogus: 'field' }],
    });
    expect(() => loadSettings({ ...base, COMPANION_CONFIG: leaky, X_SECRET: 'super-secret-value' })).toThrow(
      ConfigError,
    );
  });
});
