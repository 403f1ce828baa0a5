/**
 * The signing proxy's allowlist: a URL may be signed only when it lies under
 * one of the provider's `apiBaseUrls`. Parsed with WHATWG URL (which resolves
 * `..` and `%2e%2e`), then compared on scheme, host, port and path prefix.
 * Refused outright: userinfo, fragments, backslashes, whitespace or control
 * characters, and encoded `/`, `\`, `.` or `%` in the path, which some
 * servers decode again behind the prefix check.
 */
/** Shared by the companion (which enforces it) and the extension (which checks before asking the user); no zod, so the extension can import it alone. */
export function allowedApiUrl(raw: string, apiBaseUrls: readonly string[]): URL | undefined {
  if (/[\s\\]/.test(raw) || hasControlCharacter(raw)) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.username || url.password || url.hash || raw.includes('#')) return undefined;
  if (!hasPlainSegments(url.pathname)) return undefined;
  return apiBaseUrls.some((base) => isUnderApiBase(url, new URL(base))) ? url : undefined;
}

/**
 * Every path segment must mean one thing to every server: no `;` (Tomcat
 * drops `;…` and then resolves `..;` as `..`), no escape that decodes to a
 * separator, a dot segment, `%`, NUL or a control character, and valid UTF-8
 * (no overlong `%c0%ae`).
 */
function hasPlainSegments(pathname: string): boolean {
  if (pathname.includes(';')) return false;
  if (/%(2f|5c|2e|25|3b)/i.test(pathname)) return false;
  for (const segment of pathname.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return false;
    }
    if (decoded === '.' || decoded === '..' || hasControlCharacter(decoded)) return false;
  }
  return true;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

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
