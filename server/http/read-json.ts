import type { Context } from 'hono';
import { z } from 'zod';
import { CompanionError } from '../errors';

/**
 * Reads and validates a JSON body with a schema from lib/protocol: 415 for
 * another media type, `malformed_json` for bad JSON, `invalid_request` with
 * the failing fields otherwise. Never a cast.
 */
export async function readJson<S extends z.core.$ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new CompanionError('unsupported_media_type', 'send the body as application/json');
  }
  let json: unknown;
  try {
    json = JSON.parse(await c.req.text());
  } catch {
    throw new CompanionError('malformed_json', 'the body is not valid JSON');
  }
  return validated(json, schema);
}

/**
 * A parsed JSON value checked against a schema from lib/protocol.
 * @throws CompanionError invalid_request, with the failing fields as `issues`
 */
export function validated<S extends z.core.$ZodType>(json: unknown, schema: S): z.infer<S> {
  // z.safeParse rather than a method: lib/protocol's schemas are zod/mini, which core types do not promise.
  const parsed = z.safeParse(schema, json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: issue.path.join('.') || '(body)',
      message: issue.message,
    }));
    throw new CompanionError('invalid_request', issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
  }
  return parsed.data;
}

/** Validates a path parameter, so that nothing unbounded reaches the store. */
export function pathId(c: Context, name: string): string {
  const value = c.req.param(name) ?? '';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(value)) throw new CompanionError('invalid_request', `${name} is not an id`);
  return value;
}
