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
  return granted.filter((origin) => !keep.has(origin));
}
