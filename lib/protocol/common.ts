import { z } from 'zod';

/** Ids the companion hands out: url-safe, bounded. */
export const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an id of 1 to 64 letters, digits, _ or -');

/** Provider ids in configuration and requests: `x`, `tumblr`, `jira-cloud`. */
export const ProviderId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'a provider id such as "x" or "tumblr"')
  .describe('A configured provider: `x`, `tumblr`, `jira-cloud`.');

export const Timestamp = z.iso.datetime();

/**
 * lib/oauth1's `Parameter` on the wire: a decoded name/value pair, as lib/oauth1
 * signs them, order and duplicates kept. (The protocol depends on zod only, so
 * it states the shape rather than importing the type; they are the same.)
 */
export const Pair = z
  .tuple([z.string().max(4096), z.string().max(65536)])
  .describe('A decoded `[name, value]` pair; order and duplicates are kept.');

/**
 * The access a connection asks the provider for, where its preset maps it to
 * the provider's own parameters (X's x_auth_access_type, Flickr's perms,
 * Trello's scope, SmugMug's Permissions): `write` unless the user chose `read`.
 */
export const AccessLevel = z.enum(['read', 'write']);
export type AccessLevel = z.infer<typeof AccessLevel>;
