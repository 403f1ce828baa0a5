/**
 * The signing proxy's allowlist: a URL may be signed only when it lies under
 * one of the provider's `apiBaseUrls`. Parsed with WHATWG URL (which resolves
 * `..` and `%2e%2e`), then compared on scheme, host, port and path prefix.
 * Refused outright: userinfo, fragments, backslashes, whitespace or control
 * characters, and encoded `/`, `\`, `.` or `%` in the path, which some
 * servers decode again behind the prefix check.
 */
export function allowedApiUrl(raw: string, apiBaseUrls: readonly string[]): URL | undefined {
  if (/[\s\\]/.test(raw) || hasControlCharacter(raw)) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.username || url.password || url.hash || raw.includes('#')) return undefined;
  if (/%(2f|5c|2e|25)/i.test(url.pathname)) return undefined;
  return apiBaseUrls.some((base) => isUnder(url, new URL(base))) ? url : undefined;
}

function isUnder(url: URL, base: URL): boolean {
  if (url.protocol !== base.protocol || url.hostname !== base.hostname || url.port !== base.port) return false;
  if (base.pathname.endsWith('/')) return url.pathname.startsWith(base.pathname);
  // A base without a trailing slash names one resource (e.g. Flickr's /services/rest).
  return url.pathname === base.pathname;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
