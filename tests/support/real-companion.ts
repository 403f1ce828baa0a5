import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devProviderEntry } from '../../server/dev-provider/companion-entry';
import { startDevProvider } from '../../server/dev-provider/start-dev-provider';
import type { TestInstall } from './dpop';
import { freePort } from './free-port';

export const REAL_CONSUMER = { key: 'real-consumer-key', secret: randomBytes(18).toString('base64url') };

/** A dev provider on a real socket, and a COMPANION_CONFIG file pointing at it (its entry changed by `overrides`). */
export async function startRealDevProvider(overrides: (devUrl: string) => Record<string, unknown> = () => ({})) {
  const dev = await startDevProvider({
    port: 0,
    host: '127.0.0.1',
    consumerKey: REAL_CONSUMER.key,
    consumerSecret: REAL_CONSUMER.secret,
  });
  const dir = mkdtempSync(join(tmpdir(), 'oauth1-companion-'));
  const configPath = join(dir, 'companion.json');
  writeFileSync(
    configPath,
    JSON.stringify({ providers: [devProviderEntry(dev.url, REAL_CONSUMER.key, overrides(dev.url))] }),
  );
  return { dev, configPath, dir };
}

/** The environment for a companion on `port`, answering as `publicUrl`. */
export async function companionEnvironment(configPath: string, overrides: Record<string, string> = {}) {
  const port = await freePort();
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: 'sqlite::memory:',
    VAULT_KEY: randomBytes(32).toString('base64'),
    COMPANION_CONFIG: configPath,
    DEV_CONSUMER_SECRET: REAL_CONSUMER.secret,
    ...overrides,
  };
}

/** A JSON call over HTTP with a DPoP proof made for `publicUrl` + path. */
export async function callOverHttp(
  baseUrl: string,
  publicUrl: string,
  install: TestInstall,
  method: string,
  path: string,
  body?: unknown,
  proof?: string,
) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      dpop: proof ?? (await install.proof(method, `${publicUrl}${path}`)),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
}

/** The user's decision at the dev provider, over HTTP: the callback URL it redirects to. */
export async function authorizeOverHttp(authorizeUrl: string, userId = '1001'): Promise<URL> {
  const page = await fetch(authorizeUrl);
  if (page.status !== 200) throw new Error(`authorize page answered ${page.status}`);
  const origin = new URL(authorizeUrl).origin;
  const token = new URL(authorizeUrl).searchParams.get('oauth_token') ?? '';
  const decision = await fetch(`${origin}/oauth/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ oauth_token: token, decision: 'authorize', user_id: userId }),
    redirect: 'manual',
  });
  return new URL(decision.headers.get('location') ?? 'about:blank');
}
