import { OAuthError } from './errors';

/** Parses a request URL, refusing anything that is not absolute http(s). */
export function parseRequestUrl(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    throw new OAuthError('invalid_url', `not an absolute URL: ${String(url)}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new OAuthError('invalid_url', `OAuth 1.0a signs http and https URLs only, not ${parsed.protocol}`);
  }
  return parsed;
}
