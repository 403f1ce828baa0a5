import * as z from 'zod/mini';

/*
 * lib/protocol is zod/mini, so that the extension, which parses every
 * companion answer with these schemas, bundles no zod classic. Mini schemas
 * are zod core schemas: the server's classic code embeds them, and
 * z.toJSONSchema reads them, descriptions included (z.describe and z.meta
 * register them in the global registry, as classic's .describe and .meta do).
 *
 * zod/mini loads no locale: its issues would say only "Invalid input". English,
 * as zod classic sets it on the server, so that an issue reads the same on
 * both sides (the companion's invalid_request, the extension's bad_answer).
 */
z.config(z.locales.en());

/** Ids the companion hands out: url-safe, bounded. */
export const Id = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'an id of 1 to 64 letters, digits, _ or -'));

/** Provider ids in configuration and requests: `x`, `tumblr`, `jira-cloud`. */
export const ProviderId = z
  .string()
  .check(
    z.regex(/^[a-z][a-z0-9-]{0,31}$/, 'a provider id such as "x" or "tumblr"'),
    z.describe('A configured provider: `x`, `tumblr`, `jira-cloud`.'),
  );

export const Timestamp = z.iso.datetime();

/**
 * lib/oauth1's `Parameter` on the wire: a decoded name/value pair, as lib/oauth1
 * signs them, order and duplicates kept. (The protocol depends on zod only, so
 * it states the shape rather than importing the type; they are the same.)
 */
export const Pair = z
  .tuple([z.string().check(z.maxLength(4096)), z.string().check(z.maxLength(65536))])
  .check(z.describe('A decoded `[name, value]` pair; order and duplicates are kept.'));

/**
 * The access a connection asks the provider for, where its preset maps it to
 * the provider's own parameters (X's x_auth_access_type, Flickr's perms,
 * Trello's scope, SmugMug's Permissions): `write` unless the user chose `read`.
 */
export const AccessLevel = z.enum(['read', 'write']);
export type AccessLevel = z.infer<typeof AccessLevel>;
