import type { Context } from 'hono';
import { type Parameter, parseFormEncoded } from '../../lib/oauth1';

/**
 * Which part of a request's body its signature covers, by each provider's rule:
 * - `rfc5849`: a form-urlencoded body's parameters (section 3.4.1.3.1); any
 *   other body only through `oauth_body_hash`, when the request has one.
 * - `oauth-only`: nothing of the body (X's multipart uploads, SmugMug's raw
 *   body): "Only the oauth_* parameters are used"
 *   (https://developer.x.com/en/docs/media/upload-media/uploading-media.html).
 * - `all-but-files`: every multipart text field, not the files (Flickr: "the
 *   'photo' parameter should not be included in the signature. All other POST
 *   parameters should be included", https://www.flickr.com/services/api/upload.api.html).
 */
export type BodySigning = 'rfc5849' | 'oauth-only' | 'all-but-files';

/** The `form` and `body` of lib/oauth1's verifyRequest for this request, by `rule`. */
export async function signedBodyOf(
  c: Context,
  rule: BodySigning,
): Promise<{ form?: Parameter[] | undefined; body?: string | undefined }> {
  if (rule === 'oauth-only') return {};
  if (rule === 'all-but-files') {
    const form = await c.req.formData();
    const fields: Parameter[] = [];
    form.forEach((value, name) => {
      if (typeof value === 'string') fields.push([name, value]);
    });
    return { form: fields };
  }
  const raw = ['GET', 'HEAD'].includes(c.req.method) ? '' : await c.req.text();
  const isForm = (c.req.header('content-type') ?? '').startsWith('application/x-www-form-urlencoded');
  return isForm ? { form: parseFormEncoded(raw) } : { body: raw || undefined };
}
