import { get, type UseStore } from 'idb-keyval';
import { changeKey } from '../storage/change-key';
import { type GuardedStore, KEYS } from '../storage/registry';

/** What the user can change in the options page. Kept in IndexedDB with the rest of the state. */
export interface ExtensionSettings {
  /** The companion's origin (and optional path), e.g. https://companion.example.com */
  readonly companionUrl: string;
  /** A consent question left unanswered this long is a "no". */
  readonly consentTimeoutSeconds: number;
}

/** The build's companion URL (`WXT_COMPANION_URL`): public, never a secret. */
export const DEFAULT_COMPANION_URL: string = import.meta.env.WXT_COMPANION_URL ?? 'http://127.0.0.1:8787';

/**
 * At most 4 minutes: the site's message waits for the answer, and Chrome stops
 * a worker whose single event runs past 5 minutes.
 */
export const CONSENT_TIMEOUT_LIMITS = { min: 5, max: 240, default: 60 } as const;

const KEY = KEYS.settings;

export async function readSettings(store: UseStore): Promise<ExtensionSettings> {
  const stored = await get<Partial<ExtensionSettings>>(KEY, store);
  return {
    companionUrl: stored?.companionUrl ?? DEFAULT_COMPANION_URL,
    consentTimeoutSeconds: stored?.consentTimeoutSeconds ?? CONSENT_TIMEOUT_LIMITS.default,
  };
}

export async function writeSettings(store: GuardedStore, change: Partial<ExtensionSettings>): Promise<void> {
  await changeKey<Partial<ExtensionSettings>, void>(store, KEY, {}, (stored) => [{ ...stored, ...change }, undefined]);
}

/**
 * Why a companion URL is refused: not a URL, with a user name or password,
 * with a query or fragment, or plain HTTP to another host than this machine.
 * The options page words each (`components/options.tsx`).
 */
export type CompanionUrlProblem = 'not_a_url' | 'credentials' | 'query_or_fragment' | 'not_https';

/**
 * A companion URL the extension may use, normalised (no trailing slash), or
 * why not. HTTPS, except plain HTTP on this machine for development: proofs
 * and API answers must not cross a network in clear.
 */
export function checkCompanionUrl(
  input: string,
): { ok: true; url: string } | { ok: false; reason: CompanionUrlProblem } {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return { ok: false, reason: 'not_a_url' };
  }
  if (url.username || url.password) return { ok: false, reason: 'credentials' };
  if (url.search || url.hash) return { ok: false, reason: 'query_or_fragment' };
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && PLAIN_HTTP_COMPANION_HOSTS.has(url.hostname))) {
    return { ok: false, reason: 'not_https' };
  }
  return { ok: true, url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

/**
 * Loopback hosts (lib/protocol/loopback.ts) a plain-HTTP companion may be on:
 * only those the manifest's optional_host_permissions name (wxt.config.ts),
 * since the options page must ask for the URL's host permission. Other
 * 127.0.0.0/8 addresses are loopback too, but no permission could be granted.
 */
const PLAIN_HTTP_COMPANION_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The host permission a companion URL needs: its scheme and host, any port
 * (Firefox's match patterns have no port, Chrome's match any when none is given).
 */
export function hostPermissionPattern(url: string): string {
  const { protocol, hostname } = new URL(url);
  return `${protocol}//${hostname}/*`;
}
