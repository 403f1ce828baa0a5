import * as z from 'zod/mini';
import { ERROR_CODES } from './error-codes';

/** One field of a body that failed its schema: `path` dotted (`query.0`), `(body)` for the whole body. */
export const ProblemIssue = z.object({ path: z.string(), message: z.string() });

/**
 * RFC 9457 problem details, as the companion sends them (`application/problem+json`).
 * `code` is the stable part; `status` is `ERROR_STATUS[code]`.
 */
export const Problem = z
  .object({
    type: z.string().check(z.regex(/^https:\/\/oauth1-connect\.dev\/problems\/[a-z0-9-]+$/)),
    title: z.string(),
    status: z.int().check(z.minimum(400), z.maximum(599)),
    detail: z.string(),
    code: z.enum(ERROR_CODES),
    issues: z
      .optional(z.array(ProblemIssue))
      .check(z.describe('For `invalid_request`: which fields were wrong and why.')),
    limitBytes: z
      .optional(z.int().check(z.minimum(0)))
      .check(
        z.describe('For `body_too_large`: the most this kind of body may hold, in bytes (JSON bodies, or uploads).'),
      ),
  })
  // Registered rather than a z.meta check: an object with checks cannot be picked (the client's ProblemAnswer).
  .register(z.globalRegistry, {
    description:
      'An RFC 9457 problem: `code` is the stable part (branch on it, never on the wording), `status` its HTTP status, `issues` the failing fields of an `invalid_request`.',
  });
export type Problem = z.infer<typeof Problem>;

/** `Retry-After` on `429 rate_limited`, `503 companion_busy` and `503 store_unavailable`: whole seconds, at least 1. */
export const RetryAfterSeconds = z.int().check(z.minimum(1));
