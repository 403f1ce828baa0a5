import * as z from 'zod/mini';
import { Pair } from './common';
import { declaredFiles, MultipartField, RawBody } from './upload-parts';

export const ProxyMethod = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * `POST /v1/accounts/{id}/requests`: an API call to sign and send. Query and
 * form parameters are signed; a JSON body is sent as is (RFC 5849 signs only
 * form bodies). A request with files (`multipart`, `raw`) comes as
 * multipart/form-data: this object in a first part named `request`, then one
 * part per file. Headers are limited to a few harmless ones, and those the
 * provider's uploads need.
 */
export const ProxyRequest = z
  .strictObject({
    method: ProxyMethod,
    url: z
      .string()
      .check(z.maxLength(4096), z.describe("Under one of the provider's `apiBaseUrls` (else `url_not_allowed`).")),
    query: z.optional(z.array(Pair).check(z.maxLength(200))).check(z.describe("Appended to the URL's query; signed.")),
    form: z
      .optional(z.array(Pair).check(z.maxLength(200)))
      .check(z.describe('Sent as application/x-www-form-urlencoded; signed. Not with `json`, nor on GET.')),
    json: z
      .optional(z.unknown())
      .check(z.describe('Any JSON value, sent as application/json, unsigned. Not with `form`, nor on GET.')),
    multipart: z
      .optional(z.array(MultipartField).check(z.minLength(1), z.maxLength(50)))
      .check(
        z.describe(
          "Sent as multipart/form-data (RFC 7578). Text fields are signed only where the provider's rule says so (Flickr: all but files); files never are. Only to providers whose uploads allow it.",
        ),
      ),
    raw: z
      .optional(RawBody)
      .check(
        z.describe(
          'Bytes sent as the whole body, unsigned (SmugMug-style uploads). Only to providers whose uploads allow it.',
        ),
      ),
    headers: z
      .optional(
        z.record(
          z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/)),
          // A header value: visible Latin-1 and tabs, never CR, LF or NUL.
          z
            .string()
            .check(
              z.maxLength(1024),
              z.regex(/^[\t\x20-\x7e\x80-\xff]*$/, 'a header value without control characters'),
            ),
        ),
      )
      .check(
        z.describe(
          "Only accept, accept-language, content-language, if-match, if-none-match, if-modified-since, if-unmodified-since and prefer are passed on, with the upload headers of the provider's preset (SmugMug's X-Smug-…); others are dropped.",
        ),
      ),
  })
  .check(
    z.refine((r) => bodiesOf(r).length <= 1, {
      message: 'a request has one body at most: form, json, multipart or raw',
      path: ['json'],
    }),
    z.refine((r) => r.method !== 'GET' || bodiesOf(r).length === 0, {
      message: 'a GET request has no body',
      path: ['method'],
    }),
    z.refine(
      (r) => {
        const names = declaredFiles(r).map((file) => file.file);
        return new Set(names).size === names.length;
      },
      { message: 'each file has a part of its own', path: ['multipart'] },
    ),
    z.refine((r) => [...(r.query ?? []), ...(r.form ?? [])].every(([name]) => !name.startsWith('oauth_')), {
      message: 'oauth_ parameters are the companion’s to set',
      path: ['query'],
    }),
    z.meta({
      description:
        'An API call to sign and send as the account. No `oauth_…` name in `query`, `form` or the URL: they are the companion’s to set.',
    }),
  );
export type ProxyRequest = z.infer<typeof ProxyRequest>;

/** The bodies a request names (at most one is allowed). */
function bodiesOf(r: { form?: unknown; json?: unknown; multipart?: unknown; raw?: unknown }): string[] {
  return (['form', 'json', 'multipart', 'raw'] as const).filter((kind) => r[kind] !== undefined);
}

export const ProxyResponse = z
  .object({
    status: z.int().check(z.minimum(100), z.maximum(599), z.describe("The provider's HTTP status.")),
    headers: z
      .record(z.string(), z.string())
      .check(z.describe("The provider's answer headers, less connection-level and cookie headers.")),
    body: z.string().check(z.describe('The upstream body: text as is, anything else base64 (see `bodyEncoding`).')),
    bodyEncoding: z
      .enum(['utf8', 'base64'])
      .check(z.describe('`utf8` for textual types that are valid UTF-8 without control characters; base64 otherwise.')),
  })
  .check(z.meta({ description: "The provider's answer, whatever its status (a 4xx of the provider is a 200 here)." }));
export type ProxyResponse = z.infer<typeof ProxyResponse>;
