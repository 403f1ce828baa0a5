import { z } from 'zod';
import { Pair } from './common';

export const ProxyMethod = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * `POST /v1/accounts/{id}/requests`: an API call to sign and send. Query and
 * form parameters are signed; a JSON body is sent as is (RFC 5849 signs only
 * form bodies). Headers are limited to a few harmless ones.
 */
export const ProxyRequest = z
  .strictObject({
    method: ProxyMethod,
    url: z.string().max(4096),
    query: z.array(Pair).max(200).optional(),
    form: z.array(Pair).max(200).optional(),
    json: z.unknown().optional(),
    headers: z
      .record(
        z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
        // A header value: visible Latin-1 and tabs, never CR, LF or NUL.
        z
          .string()
          .max(1024)
          .regex(/^[\t\x20-\x7e\x80-\xff]*$/, 'a header value without control characters'),
      )
      .optional(),
  })
  .refine((r) => r.form === undefined || r.json === undefined, {
    message: 'a request has a form body or a JSON body, not both',
    path: ['json'],
  })
  .refine((r) => r.method !== 'GET' || (r.form === undefined && r.json === undefined), {
    message: 'a GET request has no body',
    path: ['method'],
  })
  .refine((r) => [...(r.query ?? []), ...(r.form ?? [])].every(([name]) => !name.startsWith('oauth_')), {
    message: 'oauth_ parameters are the companion’s to set',
    path: ['query'],
  });
export type ProxyRequest = z.infer<typeof ProxyRequest>;

export const ProxyResponse = z.object({
  status: z.number().int(),
  headers: z.record(z.string(), z.string()),
  /** The upstream body: text as is, anything else base64 (see `bodyEncoding`). */
  body: z.string(),
  bodyEncoding: z.enum(['utf8', 'base64']),
});
export type ProxyResponse = z.infer<typeof ProxyResponse>;
