import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_CONNECTIONS_PER_ADDRESS } from '../http/connection-cap';
import { parseVaultKeys, type VaultKey } from '../vault/vault';
import { CompanionConfigFile, ConfigError, type Provider, resolveProvider } from './providers';

/** Everything the companion is configured with (docs/architecture.md, "Configuration"). */
export interface Settings {
  readonly port: number;
  readonly host: string;
  /** Where the extension and the providers reach us; the base of DPoP `htu` and the callback URL. */
  readonly publicUrl: string;
  readonly databaseUrl: string;
  readonly vaultKeys: readonly VaultKey[];
  readonly providers: ReadonlyMap<string, Provider>;
  readonly production: boolean;
  /** Per-install limits, per minute, shared by all instances through the store. */
  readonly limits: {
    readonly flowsPerMinute: number;
    /** For all installs together: a new key costs nothing, the consumer key's quota at the provider does. */
    readonly allFlowsPerMinute: number;
    readonly requestsPerMinute: number;
    /** Every other /v1 call of one install (reads, revocations, cancels). */
    readonly callsPerMinute: number;
  };
  /**
   * When set, `GET /metrics` wants `Authorization: Bearer <this>` from everyone;
   * when not, it answers only callers on this machine (see http/metrics-access.ts).
   */
  readonly metricsToken?: string | undefined;
  /**
   * How many bytes of provider answers and uploaded files all calls in flight
   * may hold together (see upstream/answer-budget.ts).
   */
  readonly answerBudgetBytes: number;
  /** The most file bytes one proxied request may carry (UPLOAD_MAX_MB); past it, 413 body_too_large. */
  readonly maxUploadBytes: number;
  /** The most connections one client address may hold (CONNECTIONS_PER_ADDRESS; 0: no cap; loopback exempt). */
  readonly connectionsPerAddress: number;
  /** The application's name where a provider shows it on its authorize page (Trello's `name`: `{appName}`). */
  readonly appName: string;
  /**
   * DEBUG_SIGNATURES: log the signature base string of every upstream call a
   * provider answers with 401, to compare with the provider's (see upstream/signature-debug.ts).
   */
  readonly debugSignatures: boolean;
  /** Warnings to log at start-up (e.g. a generated development vault key). */
  readonly warnings: readonly string[];
}

const Environment = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATABASE_URL: z.string().min(1).default('sqlite:./data/companion.db'),
  VAULT_KEY: z.string().optional(),
  COMPANION_CONFIG: z.string().optional(),
  NODE_ENV: z.string().optional(),
  FLOWS_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  ALL_FLOWS_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  CALLS_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  // At least one largest answer (5 MiB) with room to spare; the default suits the 96 MB heap of `npm run server`.
  ANSWER_BUDGET_MB: z.coerce.number().int().min(8).max(65536).default(48),
  // Files of one proxied request, all together; the answer budget holds them while they are sent.
  UPLOAD_MAX_MB: z.coerce.number().int().min(1).max(4096).default(20),
  // Per client address, where no reverse proxy on this machine caps them first (server/http/connection-cap.ts).
  CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(0).max(100000).default(DEFAULT_CONNECTIONS_PER_ADDRESS),
  // 1/true/yes/on or 0/false/no/off: a switch for debugging signatures with a provider, off by default.
  DEBUG_SIGNATURES: z.stringbool().default(false),
  APP_NAME: z.string().min(1).max(64).default('OAuth 1.0a Connect'),
  // The messages never echo the value: it is a secret.
  METRICS_TOKEN: z
    .string()
    .min(32, 'at least 32 characters, e.g. openssl rand -hex 32')
    .regex(/^[A-Za-z0-9._~+/-]+=*$/, 'only letters, digits and - . _ ~ + / (a Bearer token, RFC 6750 section 2.1)')
    .optional(),
});

/**
 * Reads the environment. Anything wrong stops start-up with a message that
 * says what to fix; secrets are only ever named, never printed.
 */
export function loadSettings(env: Readonly<Record<string, string | undefined>>): Settings {
  const parsed = Environment.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigError(`bad environment: ${problems}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const warnings: string[] = [];
  const publicUrl = (e.PUBLIC_URL ?? `http://${e.HOST.includes(':') ? `[${e.HOST}]` : e.HOST}:${e.PORT}`).replace(
    /\/+$/,
    '',
  );
  if (production && !publicUrl.startsWith('https://')) {
    throw new ConfigError('PUBLIC_URL must be https:// in production: the callback and the proofs are bound to it');
  }

  let vaultKeys: VaultKey[];
  if (e.VAULT_KEY) {
    vaultKeys = parseVaultKeys(e.VAULT_KEY);
  } else if (production) {
    throw new ConfigError('VAULT_KEY is required in production: 32 random bytes in base64 (openssl rand -base64 32)');
  } else {
    const { keys, path } = developmentVaultKey(e.DATABASE_URL);
    vaultKeys = keys;
    warnings.push(`VAULT_KEY is not set: using a development key stored in ${path}. Set VAULT_KEY in production.`);
  }

  // One upload and one largest answer (5 MiB) must fit in the budget at once, or the largest uploads could never go.
  if (e.ANSWER_BUDGET_MB < e.UPLOAD_MAX_MB + 5) {
    throw new ConfigError(
      `ANSWER_BUDGET_MB (${e.ANSWER_BUDGET_MB}) must be at least UPLOAD_MAX_MB (${e.UPLOAD_MAX_MB}) + 5: the budget holds uploads while they are sent`,
    );
  }

  if (e.DEBUG_SIGNATURES) {
    warnings.push(
      'DEBUG_SIGNATURES is on: the signature base string of every call a provider refuses with 401 is logged (no secrets). Turn it off when done.',
    );
  }

  if (!e.COMPANION_CONFIG) {
    throw new ConfigError('COMPANION_CONFIG is not set: point it at a JSON file of providers (see docs/companion.md)');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    databaseUrl: e.DATABASE_URL,
    vaultKeys,
    providers: loadProviders(e.COMPANION_CONFIG, env, production, (warning) => warnings.push(warning)),
    production,
    limits: {
      flowsPerMinute: e.FLOWS_PER_MINUTE,
      allFlowsPerMinute: e.ALL_FLOWS_PER_MINUTE,
      requestsPerMinute: e.REQUESTS_PER_MINUTE,
      callsPerMinute: e.CALLS_PER_MINUTE,
    },
    metricsToken: e.METRICS_TOKEN,
    answerBudgetBytes: e.ANSWER_BUDGET_MB * 1024 * 1024,
    maxUploadBytes: e.UPLOAD_MAX_MB * 1024 * 1024,
    connectionsPerAddress: e.CONNECTIONS_PER_ADDRESS,
    appName: e.APP_NAME,
    debugSignatures: e.DEBUG_SIGNATURES,
    warnings,
  };
}

export function loadProviders(
  path: string,
  env: Readonly<Record<string, string | undefined>>,
  production = false,
  warn: (message: string) => void = () => undefined,
): Map<string, Provider> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`COMPANION_CONFIG ${path} cannot be read as JSON: ${(error as Error).message}`);
  }
  const file = CompanionConfigFile.safeParse(json);
  if (!file.success) {
    const problems = file.error.issues
      .map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`)
      .join('; ');
    throw new ConfigError(`COMPANION_CONFIG ${path}: ${problems}`);
  }
  const providers = new Map<string, Provider>();
  for (const entry of file.data.providers) {
    if (providers.has(entry.id))
      throw new ConfigError(`COMPANION_CONFIG ${path}: provider "${entry.id}" appears twice`);
    const provider = resolveProvider(entry, env, warn);
    if (production) requireHttps(provider, path);
    providers.set(entry.id, provider);
  }
  return providers;
}

/** Development only: a key generated once into the data folder, so restarts can still open the vault. */
function developmentVaultKey(databaseUrl: string): { keys: VaultKey[]; path: string } {
  const folder =
    databaseUrl.startsWith('sqlite:') && !databaseUrl.includes(':memory:')
      ? dirname(resolve(databaseUrl.slice('sqlite:'.length)))
      : resolve('data');
  const path = resolve(folder, 'dev-vault-key');
  if (!existsSync(path)) {
    mkdirSync(folder, { recursive: true });
    writeFileSync(path, randomBytes(32).toString('base64'), { mode: 0o600 });
  }
  return { keys: parseVaultKeys(readFileSync(path, 'utf8').trim()), path };
}

/** In production every provider URL is https: PLAINTEXT, and tokens in answers, travel in clear otherwise. */
function requireHttps(provider: Provider, path: string): void {
  const urls = [
    provider.requestTokenUrl,
    provider.authorizeUrl,
    provider.accessTokenUrl,
    provider.authenticateUrl,
    provider.invalidateTokenUrl,
    provider.verifyCredentialsUrl,
    ...provider.apiBaseUrls,
  ];
  const plain = urls.find((url) => url !== undefined && !url.startsWith('https://'));
  if (plain)
    throw new ConfigError(
      `COMPANION_CONFIG ${path}: provider "${provider.id}" uses ${plain}; production needs https://`,
    );
}
