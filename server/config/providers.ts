import { z } from 'zod';
import {
  ACCEPTED_PRIVATE_KEY_FORMATS,
  isOAuthError,
  isSignatureMethodName,
  type SignatureMethodName,
} from '../../lib/oauth1';
import { FlowMode, ProviderId } from '../../lib/protocol';
import { rsaKeyObject } from '../crypto/node-oauth-crypto';
import { type IdentitySource, jiraPreset, PROVIDER_PRESETS, type ProviderPreset } from './presets';

/** A provider ready to use: URLs, method, identity rules and the secrets, resolved. */
export interface Provider extends ProviderPreset {
  readonly id: string;
  readonly consumerKey: string;
  readonly consumerSecret: string;
  /** PKCS#8 or PKCS#1 PEM, for RSA-SHA1 / RSA-SHA256 providers; checked to load at start-up. */
  readonly privateKey: string | undefined;
  /** Send `oauth_body_hash` with JSON bodies (OAuth Body Hash extension). */
  readonly bodyHash: boolean;
}

/** http or https: the dev provider (server/dev-provider/) answers plain HTTP on 127.0.0.1. */
const HttpUrl = z.url({ protocol: /^https?$/ });
/** Extra parameters of an authorization step: never a protocol parameter, which the companion sets. */
const ExtraParams = z.record(
  z
    .string()
    .regex(/^[A-Za-z0-9_.~-]{1,64}$/, 'a parameter name of letters, digits and _ . ~ -')
    .refine((name) => !name.startsWith('oauth_'), 'oauth_ parameters are the companion’s to set'),
  z.string().max(256),
);
const AuthorizationParamsEntry = z.strictObject({
  requestTokenParams: ExtraParams.optional(),
  authorizeParams: ExtraParams.optional(),
});

/**
 * A request header a provider's uploads need. Never one the companion sets
 * itself or one that carries credentials or framing.
 */
const UploadHeaderName = z
  .string()
  .regex(/^[a-z0-9-]{1,64}$/, 'a lowercase header name such as x-smug-albumuri')
  .refine(
    (name) =>
      ![
        'authorization',
        'cookie',
        'host',
        'content-length',
        'content-type',
        'transfer-encoding',
        'connection',
        'user-agent',
        'te',
        'upgrade',
        'proxy-authorization',
        'expect',
      ].includes(name),
    'a header the companion sets itself, or one that carries credentials or framing',
  );

const EnvName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name such as X_CONSUMER_SECRET');

/** One entry of COMPANION_CONFIG's `providers`. Secrets are named by environment variable, never inlined. */
export const ProviderEntry = z.strictObject({
  id: ProviderId,
  preset: z.string().optional(),
  name: z.string().min(1).optional(),
  /** For the jira preset: the site, e.g. https://jira.example.com */
  siteUrl: HttpUrl.optional(),
  requestTokenUrl: HttpUrl.optional(),
  authorizeUrl: HttpUrl.optional(),
  authenticateUrl: HttpUrl.optional(),
  accessTokenUrl: HttpUrl.optional(),
  invalidateTokenUrl: HttpUrl.optional(),
  invalidateTokenMethod: z.enum(['POST', 'DELETE']).optional(),
  verifyCredentialsUrl: HttpUrl.optional(),
  apiBaseUrls: z.array(HttpUrl).min(1).optional(),
  signatureMethod: z
    .string()
    .refine(isSignatureMethodName, 'one of HMAC-SHA1, HMAC-SHA256, HMAC-SHA512, RSA-SHA1, RSA-SHA256, PLAINTEXT')
    .optional(),
  modes: z.array(FlowMode).min(1).optional(),
  identity: z
    .strictObject({
      tokenFields: z.strictObject({ userId: z.string(), screenName: z.string() }).optional(),
      verifyPaths: z.strictObject({ userId: z.string(), screenName: z.string() }).optional(),
    })
    .optional(),
  bodyHash: z.boolean().optional(),
  /** Replace the preset's (see presets.ts, AuthorizationParams). */
  requestTokenParams: ExtraParams.optional(),
  authorizeParams: ExtraParams.optional(),
  accessLevels: z.strictObject({ read: AuthorizationParamsEntry, write: AuthorizationParamsEntry }).optional(),
  realm: z
    .string()
    .max(256)
    .regex(/^[\x20-\x7e]*$/, 'visible ASCII')
    .optional(),
  retirement: z.strictObject({ on: z.iso.date(), note: z.string().min(1).max(300) }).optional(),
  userAgent: z
    .string()
    .min(1)
    .max(256)
    .regex(/^[\x20-\x7e]+$/, 'visible ASCII, e.g. my-app/1.2 (+https://example.com)')
    .optional(),
  uploads: z
    .strictObject({
      multipart: z.strictObject({ signedFields: z.enum(['none', 'all-but-files']) }).optional(),
      raw: z.boolean().optional(),
      headers: z.array(UploadHeaderName).max(20).optional(),
    })
    .optional(),
  consumerKey: z.string().min(1),
  consumerSecretEnv: EnvName.optional(),
  privateKeyEnv: EnvName.optional(),
});
export type ProviderEntry = z.infer<typeof ProviderEntry>;

export const CompanionConfigFile = z.strictObject({ providers: z.array(ProviderEntry).min(1) });

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** What a provider entry without a preset gets when it leaves these out (with a warning at start-up). */
const DEFAULT_MODES: readonly FlowMode[] = ['callback', 'oob'];
/** The token answer's fields as X names them (user_id, screen_name), which many OAuth 1.0a providers copied. */
const DEFAULT_IDENTITY: IdentitySource = { tokenFields: { userId: 'user_id', screenName: 'screen_name' } };

/**
 * Merges an entry over its preset and reads its secrets from the environment.
 * `warn` hears what was assumed for an entry that left it out.
 * @throws ConfigError naming the entry and what to fix
 */
export function resolveProvider(
  entry: ProviderEntry,
  env: Readonly<Record<string, string | undefined>>,
  warn: (message: string) => void = () => undefined,
): Provider {
  const where = `provider "${entry.id}"`;
  const preset = presetFor(entry, where);
  const pick = <K extends keyof ProviderPreset>(key: K): ProviderPreset[K] | undefined =>
    (entry[key as keyof ProviderEntry] as ProviderPreset[K] | undefined) ?? preset?.[key];

  const required = <K extends keyof ProviderPreset>(key: K): NonNullable<ProviderPreset[K]> => {
    const value = pick(key);
    if (value === undefined) throw new ConfigError(`${where}: "${String(key)}" is missing (no preset supplies it)`);
    return value as NonNullable<ProviderPreset[K]>;
  };

  const signatureMethod = required('signatureMethod') as SignatureMethodName;
  const rsa = signatureMethod.startsWith('RSA-');
  const consumerSecret = secretFrom(env, entry.consumerSecretEnv, `${where}: consumerSecretEnv`, !rsa) ?? '';
  const privateKey = secretFrom(
    env,
    entry.privateKeyEnv,
    `${where}: privateKeyEnv (its ${signatureMethod} key, ${ACCEPTED_PRIVATE_KEY_FORMATS})`,
    rsa,
  );
  if (privateKey !== undefined) checkPrivateKey(privateKey, `${where}: privateKeyEnv ${entry.privateKeyEnv}`);
  let identity: IdentitySource | undefined = entry.identity ?? preset?.identity;
  if (identity === undefined) {
    identity = DEFAULT_IDENTITY;
    warn(
      `${where}: no "identity" given; reading the user from the access-token answer's user_id and screen_name, as X names them`,
    );
  }
  let modes = pick('modes');
  if (modes === undefined) {
    modes = DEFAULT_MODES;
    warn(`${where}: no "modes" given; offering both the callback and the PIN (oob) flow`);
  }
  if (!identity.tokenFields && !identity.verifyPaths) {
    throw new ConfigError(`${where}: "identity" is missing: say where the user id and screen name come from`);
  }
  if (!identity.tokenFields && !pick('verifyCredentialsUrl')) {
    throw new ConfigError(`${where}: identity.verifyPaths needs a verifyCredentialsUrl`);
  }

  const resolved: Provider = {
    id: entry.id,
    name: required('name'),
    requestTokenUrl: required('requestTokenUrl'),
    authorizeUrl: required('authorizeUrl'),
    accessTokenUrl: required('accessTokenUrl'),
    apiBaseUrls: required('apiBaseUrls'),
    signatureMethod,
    modes,
    identity,
    consumerKey: entry.consumerKey,
    consumerSecret,
    privateKey,
    bodyHash: entry.bodyHash ?? false,
    // Optional fields stay absent rather than undefined (exactOptionalPropertyTypes).
    ...defined({
      authenticateUrl: pick('authenticateUrl'),
      invalidateTokenUrl: pick('invalidateTokenUrl'),
      invalidateTokenMethod: pick('invalidateTokenMethod'),
      verifyCredentialsUrl: pick('verifyCredentialsUrl'),
      realm: pick('realm'),
      userAgent: pick('userAgent'),
      requestTokenParams: pick('requestTokenParams'),
      authorizeParams: pick('authorizeParams'),
      accessLevels: pick('accessLevels'),
      retirement: pick('retirement'),
      uploads: pick('uploads'),
    }),
  };
  if (resolved.bodyHash && (resolved.uploads?.multipart || resolved.uploads?.raw)) {
    // oauth_body_hash would cover the bytes as sent (boundary and all): uploads are streamed, never held
    // as one buffer to hash first, so the two do not go together.
    throw new ConfigError(`${where}: "bodyHash" and multipart or raw "uploads" cannot be combined`);
  }
  for (const base of resolved.apiBaseUrls) checkApiBase(base, where);
  for (const field of URL_FIELDS) {
    const url = field === 'apiBaseUrls' ? resolved.apiBaseUrls : [resolved[field]];
    for (const one of url) if (one !== undefined) refuseProtocolParameters(one, `${where}: ${field}`);
  }
  return resolved;
}

function presetFor(entry: ProviderEntry, where: string): ProviderPreset | undefined {
  const name = entry.preset ?? (entry.id in PROVIDER_PRESETS || entry.id === 'jira' ? entry.id : undefined);
  if (name === undefined) return undefined;
  if (name === 'jira') {
    if (!entry.siteUrl)
      throw new ConfigError(`${where}: the jira preset needs "siteUrl", e.g. https://jira.example.com`);
    return jiraPreset(entry.siteUrl);
  }
  if (!Object.hasOwn(PROVIDER_PRESETS, name)) {
    const known = [...Object.keys(PROVIDER_PRESETS), 'jira'].join(', ');
    throw new ConfigError(`${where}: unknown preset "${name}" (known: ${known})`);
  }
  return PROVIDER_PRESETS[name as keyof typeof PROVIDER_PRESETS];
}

function secretFrom(
  env: Readonly<Record<string, string | undefined>>,
  name: string | undefined,
  what: string,
  needed: boolean,
): string | undefined {
  if (name === undefined) {
    if (needed) throw new ConfigError(`${what} is missing: name the environment variable that holds the secret`);
    return undefined;
  }
  const value = env[name];
  if (!value) throw new ConfigError(`${what}: the environment variable ${name} is not set`);
  return value;
}

const URL_FIELDS = [
  'requestTokenUrl',
  'authorizeUrl',
  'authenticateUrl',
  'accessTokenUrl',
  'invalidateTokenUrl',
  'verifyCredentialsUrl',
  'apiBaseUrls',
] as const;

/** The companion sets every oauth_ parameter itself; one in a configured URL would be sent twice (RFC 5849 section 3.2). */
function refuseProtocolParameters(url: string, where: string): void {
  const names = [...new URL(url).searchParams.keys()].filter((name) => name.startsWith('oauth_'));
  if (names.length > 0) {
    throw new ConfigError(`${where} ${url} carries ${names.join(', ')}: the companion sets oauth_ parameters itself`);
  }
}

/** An RSA key that will not sign stops start-up, not the first connection. */
function checkPrivateKey(pem: string, where: string): void {
  try {
    rsaKeyObject(pem, 'private');
  } catch (error) {
    if (!isOAuthError(error)) throw error;
    throw new ConfigError(`${where}: ${error.message}`);
  }
}

/**
 * The proxy matches a URL against a base on scheme, host, port and path only
 * (isUnderApiBase: under the path when it ends in `/`, that path exactly
 * otherwise), so a query, fragment or credentials in a base would be ignored
 * without a word: they are refused.
 */
function checkApiBase(base: string, where: string): void {
  const url = new URL(base);
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError(`${where}: apiBaseUrls entry ${base} must have no query, fragment or credentials`);
  }
}

/** The fields of `values` that are set: optional properties stay absent, never `undefined`. */
function defined<T extends object>(values: T): Partial<{ [K in keyof T]: Exclude<T[K], undefined> }> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<{
    [K in keyof T]: Exclude<T[K], undefined>;
  }>;
}
