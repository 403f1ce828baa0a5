/**
 * Whether a URL is under one of a provider's API base URLs: same scheme,
 * host and port; under the base path when it ends in `/`, otherwise that
 * exact resource (e.g. Flickr's /services/rest). One rule for both halves:
 * the companion enforces it, the extension checks it before asking the user.
 * No zod here: the extension imports this file on its own.
 */
export function isUnderApiBase(url: URL, base: URL): boolean {
  if (url.protocol !== base.protocol || url.hostname !== base.hostname || url.port !== base.port) return false;
  if (base.pathname.endsWith('/')) return url.pathname.startsWith(base.pathname);
  return url.pathname === base.pathname;
}
