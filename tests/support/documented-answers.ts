/**
 * Checks a real answer of the companion against its contract: the route and
 * status must be documented, the media type and headers as documented, and
 * the body must pass both the lib/protocol zod schema the document was
 * generated from (with no member it does not name) and the document's own
 * JSON Schema (read back with zod's JSON Schema reader), which must be exactly
 * `z.toJSONSchema` of that zod schema. Throws plain Errors, so the harness can
 * call it for every answer without a test runner's assertions.
 */
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { ERROR_STATUS, Problem } from '../../lib/protocol';
import { JSON_SCHEMA_DIALECT, type JsonSchema, openApiDocument } from '../../lib/protocol/openapi';
import { type AnswerContract, answersOf, ROUTES, type RouteContract } from '../../lib/protocol/routes';
import { resolveRefs } from './openapi-refs';

const DOCUMENT = openApiDocument();

/** Every route, status and code a checked answer had, as `DELETE /v1/flows/{flowId} 404 flow_not_found`: for coverage. */
export const answered = new Set<string>();

/** The documented route a concrete method and path fall under (`/v1/flows/abc` → `/v1/flows/{flowId}`). */
export function routeFor(method: string, path: string): RouteContract | undefined {
  return ROUTES.find((route) => route.method === method && templatePattern(route.path).test(path));
}

function templatePattern(template: string): RegExp {
  const parts = template.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^/]+')}$`);
}

/**
 * @param method the request's method
 * @param url the request's URL or path (a query is ignored)
 * @param response the answer; read from a clone, so the caller may still read it
 * @throws Error naming the route, status and what disagrees with the document
 */
export async function checkDocumentedAnswer(method: string, url: string, response: Response): Promise<void> {
  const path = new URL(url, 'http://companion.invalid').pathname;
  const text = await response.clone().text();
  const route = routeFor(method, path);
  if (!route) return checkUnknownRoute(`${method} ${path}`, response, text);
  const where = `${method} ${route.path} answered ${response.status}`;
  const answer = answersOf(route).find((a) => a.status === response.status);
  if (!answer) throw new Error(`${where}, which the document does not list: ${text.slice(0, 300)}`);
  const documented = DOCUMENT.paths[route.path]?.[method.toLowerCase()]?.responses[String(answer.status)];
  if (!documented) throw new Error(`${where}: the OpenAPI document lacks this answer`);

  checkHeaders(where, answer, response.headers);
  if (answer.body) {
    const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== answer.body.mediaType) throw new Error(`${where} as ${type}, documented ${answer.body.mediaType}`);
    const schema = documented.content?.[answer.body.mediaType]?.schema;
    if (!schema) throw new Error(`${where}: the document has no ${answer.body.mediaType} schema`);
    const body = type.endsWith('json') ? JSON.parse(text) : text;
    checkBody(where, answer.body.schema, schema, body);
    if (answer.codes) {
      // The narrowed schema has said so already; this names the code for coverage.
      answered.add(`${route.method} ${route.path} ${answer.status} ${Problem.parse(body).code}`);
      return;
    }
  } else if (text !== '') {
    throw new Error(`${where} with a body, documented without one: ${text.slice(0, 300)}`);
  }
  answered.add(`${route.method} ${route.path} ${answer.status}`);
}

/** A path no route serves: the not_found problem (or, under /v1, what the proof check and body limit say first). */
function checkUnknownRoute(where: string, response: Response, text: string): void {
  const parsed = Problem.safeParse(parseJson(text));
  if (!parsed.success || ERROR_STATUS[parsed.data.code] !== response.status) {
    throw new Error(`${where}, no documented route, answered ${response.status} without its problem: ${text}`);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function checkHeaders(where: string, answer: AnswerContract, headers: Headers): void {
  for (const [name, header] of Object.entries(answer.headers ?? {})) {
    const value = headers.get(name);
    // Header values are text; a numeric schema (Retry-After) reads them as numbers.
    const read = value !== null && /^\d+$/.test(value) ? Number(value) : value;
    if (!z.safeParse(header.schema, read).success) throw new Error(`${where} with ${name}: ${value}`);
  }
}

const checkedSchemas = new WeakSet<z.core.$ZodType>();
const documentValidators = new Map<string, z.ZodType>();

/**
 * The body against the zod schema (its parsed output must equal the body:
 * `z.object` strips what it does not name, the document forbids it), then
 * against the document's JSON Schema, once checked to be that zod schema's.
 */
function checkBody(where: string, source: z.core.$ZodType, documented: JsonSchema, body: unknown): void {
  const parsed = z.safeParse(source, body);
  if (!parsed.success) throw new Error(`${where}, off its zod schema: ${parsed.error.message}`);
  if (!isDeepStrictEqual(parsed.data, body)) throw new Error(`${where} with members the schema does not name`);
  const resolved = resolveRefs(documented, DOCUMENT);
  if (!checkedSchemas.has(source)) {
    const { $schema, ...expected } = z.toJSONSchema(source, { target: 'draft-2020-12', io: 'output' });
    if ($schema !== JSON_SCHEMA_DIALECT || !isDeepStrictEqual(resolved, expected)) {
      throw new Error(`${where}: the document's schema is not z.toJSONSchema of the route's zod schema`);
    }
    checkedSchemas.add(source);
  }
  const key = JSON.stringify(resolved);
  const validator = documentValidators.get(key) ?? z.fromJSONSchema(resolved);
  documentValidators.set(key, validator);
  const again = validator.safeParse(body);
  if (!again.success) throw new Error(`${where}, off the document's JSON Schema: ${again.error.message}`);
}
