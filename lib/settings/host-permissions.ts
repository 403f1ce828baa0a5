import { hostPermissionPattern } from './extension-settings';

/** The parts of the manifest that grant hosts for good: those cannot be given back, and need not be. */
export interface ManifestHosts {
  readonly host_permissions?: readonly string[];
  readonly content_scripts?: readonly { readonly matches?: readonly string[] }[];
}

/**
 * The host permissions granted on the options page (to test or choose a
 * companion) that the chosen companion does not need: the extension keeps
 * no access to a host it no longer talks to.
 */
export function unusedHostPermissions(granted: readonly string[], companionUrl: string, manifest: ManifestHosts) {
  const keep = new Set([
    hostPermissionPattern(companionUrl),
    ...(manifest.host_permissions ?? []),
    ...(manifest.content_scripts ?? []).flatMap((script) => script.matches ?? []),
  ]);
  // A broader grant the user made (Firefox lets one switch on https://*/* in about:addons) may be
  // what lets the extension reach the companion: a pattern that covers it stays.
  return granted.filter((origin) => !keep.has(origin) && !patternCovers(origin, companionUrl));
}

/** Whether a match pattern (scheme://host/path) covers a URL's scheme and host; the path is not asked. */
export function patternCovers(pattern: string, url: string): boolean {
  const parts = /^(\*|https?):\/\/(\*|\*\.[^/]+|[^/*]+)\//.exec(pattern);
  if (!parts) return false;
  const [, scheme, host] = parts as unknown as [string, string, string];
  const { protocol, hostname } = new URL(url);
  if (scheme !== '*' ? `${scheme}:` !== protocol : protocol !== 'http:' && protocol !== 'https:') return false;
  if (host === '*') return true;
  if (host.startsWith('*.')) return hostname === host.slice(2) || hostname.endsWith(host.slice(1));
  return hostname === host;
}
