import packageJson from '../../package.json' with { type: 'json' };

/**
 * The companion's User-Agent on every upstream call: the product and version,
 * and where it runs, as RFC 9110 section 10.1.5 suggests ("product tokens" and
 * a comment). Some providers require one that identifies the application:
 * Discogs ("Your application must provide a User-Agent string that identifies
 * itself": its developer pages, https://www.discogs.com/developers, as quoted in
 * docs/providers.md).
 */
export function defaultUserAgent(publicUrl: string): string {
  return `${packageJson.name}/${packageJson.version} (+${publicUrl})`;
}
