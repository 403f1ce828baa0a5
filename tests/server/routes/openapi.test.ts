/**
 * The OpenAPI document (lib/protocol/openapi.ts) against the app: every route
 * the app serves is documented and nothing else, the document is OpenAPI 3.1
 * in shape, its schemas are zod's JSON Schema of the route table's, and it is
 * served at GET /openapi.json. Real answers are held to it in
 * documented-answers.test.ts and, through the harness, in every route test.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ERROR_STATUS } from '../../../lib/protocol';
import {
  JSON_SCHEMA_DIALECT,
  type JsonSchema,
  jsonSchemaOf,
  type OpenApiDocument,
  openApiDocument,
} from '../../../lib/protocol/openapi';
import { answersOf, OpenApiDocumentShape, ROUTES } from '../../../lib/protocol/routes';
import { makeHarness, PUBLIC_URL } from '../../support/companion-harness';
import { checkDocumentedAnswer } from '../../support/documented-answers';
import { pointerTarget, refsIn, resolveRefs } from '../../support/openapi-refs';

const document = openApiDocument();
const operations = Object.entries(document.paths).flatMap(([path, byMethod]) =>
  Object.entries(byMethod).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
);
const operationOf = (method: string, path: string) =>
  operations.find((o) => o.method === method && o.path === path)?.operation;

/** The app's routes as `METHOD /path/{param}`: Hono lists middleware (`ALL`) and each handler of a route. */
async function appRoutes(): Promise<string[]> {
  const { app } = await makeHarness();
  const routes = app.routes
    .filter((route) => route.method !== 'ALL')
    .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
  return [...new Set(routes)].sort();
}

describe('the OpenAPI document lists exactly the routes of the app', () => {
  it('has an entry for every route the app serves, and none it does not', async () => {
    const documented = operations.map(({ method, path }) => `${method} ${path}`).sort();
    const served = await appRoutes();
    expect(served.filter((route) => !documented.includes(route))).toEqual([]);
    expect(documented.filter((route) => !served.includes(route))).toEqual([]);
    expect(served).toContain('GET /openapi.json');
  });

  it('is served at GET /openapi.json without a proof: the same document, with this companion as its server', async () => {
    const h = await makeHarness();
    const response = await h.app.request(`${PUBLIC_URL}/openapi.json`);
    await checkDocumentedAnswer('GET', '/openapi.json', response);
    const served: unknown = await response.json();
    expect(served).toEqual(JSON.parse(JSON.stringify(openApiDocument({ serverUrl: PUBLIC_URL }))));
    expect(OpenApiDocumentShape.parse(served)).toMatchObject({ servers: [{ url: PUBLIC_URL }] });
    expect(await (await h.app.request(`${PUBLIC_URL}/openapi.json`)).json()).toEqual(served);
  });
});

describe('the document is OpenAPI 3.1', () => {
  it('names its version and JSON Schema dialect (draft 2020-12)', () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.jsonSchemaDialect).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(document.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
  });

  it('resolves every $ref within the document', () => {
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(10);
    expect(refs.filter(({ ref }) => pointerTarget(document, ref) === undefined)).toEqual([]);
  });

  it('declares every path parameter, as required, and no other', () => {
    for (const { path, method, operation } of operations) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      const declared = (operation.parameters ?? []).filter((p) => p.in === 'path');
      expect([method, path, declared.map((p) => p.name)]).toEqual([method, path, inPath]);
      expect(declared.every((p) => p.required)).toBe(true);
    }
  });

  it('has unique operation ids, declared tags and security schemes, and a description for every answer', () => {
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const tags = document.tags.map((tag) => tag.name);
    const schemes = Object.keys(document.components.securitySchemes);
    for (const { operation } of operations) {
      expect(operation.tags.every((tag) => tags.includes(tag))).toBe(true);
      expect(operation.security.flatMap(Object.keys).every((name) => schemes.includes(name))).toBe(true);
      for (const [status, answer] of Object.entries(operation.responses)) {
        expect(status).toMatch(/^[1-5]\d\d$/);
        expect(answer.description.length).toBeGreaterThan(0);
      }
    }
  });

  it('has only schemas a JSON Schema reader accepts', () => {
    for (const schema of schemasIn(document))
      expect(() => z.fromJSONSchema(resolveRefs(schema, document))).not.toThrow();
  });
});

describe('the document says what the routes take and give', () => {
  it('is generated from the route table: each schema is z.toJSONSchema of its lib/protocol schema', () => {
    for (const route of ROUTES) {
      const operation = operationOf(route.method, route.path);
      const documented = (schema: JsonSchema | undefined) => schema && resolveRefs(schema, document);
      for (const [name, parameter] of Object.entries({ ...route.pathParams, ...route.query })) {
        const declared = operation?.parameters?.find((p) => p.name === name)?.schema;
        expect([name, documented(declared)]).toEqual([name, zodJsonSchema(parameter.schema, 'input')]);
      }
      if (route.requestBody) {
        const body = operation?.requestBody?.content['application/json']?.schema;
        expect(documented(body)).toEqual(zodJsonSchema(route.requestBody, 'input'));
      }
      for (const answer of answersOf(route)) {
        const response = operation?.responses[String(answer.status)];
        if (answer.body) {
          const schema = response?.content?.[answer.body.mediaType]?.schema;
          expect([route.path, answer.status, documented(schema)]).toEqual([
            route.path,
            answer.status,
            zodJsonSchema(answer.body.schema, 'output'),
          ]);
        } else {
          expect(response?.content).toBeUndefined();
        }
      }
    }
  });

  it('answers problems as application/problem+json, each code at its own status, Retry-After on 429 and 503', () => {
    for (const { operation } of operations) {
      for (const [status, answer] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue;
        expect(Object.keys(answer.content ?? {})).toEqual(['application/problem+json']);
        const codes = answer['x-error-codes'] ?? [];
        expect(codes.length).toBeGreaterThan(0);
        expect(codes.filter((code) => !Object.hasOwn(ERROR_STATUS, code))).toEqual([]);
        expect(codes.map(statusOf)).toEqual(codes.map(() => Number(status)));
        const schema = answer.content?.['application/problem+json']?.schema ?? {};
        expect(pointerTarget(schema, '#/properties/code/enum')).toEqual(codes);
        if (status === '429' || status === '503') expect(answer.headers?.['Retry-After']?.required).toBe(true);
      }
    }
  });

  it('asks every /v1 route for a DPoP proof, described as RFC 9449 says, and no other route', () => {
    const dpop = document.components.securitySchemes.DPoP;
    expect(dpop).toMatchObject({ type: 'apiKey', in: 'header', name: 'DPoP' });
    for (const term of ['RFC 9449', 'ES256', 'dpop+jwt', '`htm`', '`htu`', '`iat`', '`jti`', 'jwk']) {
      expect(dpop?.description).toContain(term);
    }
    for (const { path, operation } of operations) {
      const names = operation.security.flatMap(Object.keys);
      expect([path, names.includes('DPoP')]).toEqual([path, path.startsWith('/v1/')]);
    }
    expect(operationOf('GET', '/metrics')?.security).toEqual([{ MetricsToken: [] }, {}]);
  });

  it('lists every /v1 route with the dpop codes and internal_error, and bodies of writes with body_too_large', () => {
    for (const { path, method, operation } of operations.filter((o) => o.path.startsWith('/v1/'))) {
      const codes = Object.values(operation.responses).flatMap((answer) => answer['x-error-codes'] ?? []);
      expect(codes).toEqual(expect.arrayContaining(['dpop_missing', 'dpop_replayed', 'internal_error']));
      expect([method, path, codes.includes('body_too_large')]).toEqual([method, path, method !== 'GET']);
    }
  });
});

describe('the answer check holds real answers to the document', () => {
  const account = {
    id: 'a1',
    provider: 'x',
    userId: '1',
    screenName: 's',
    createdAt: '2025-01-01T00:00:00.000Z',
    lastUsedAt: null,
    status: 'active',
    access: 'write',
    expiresAt: null,
  };
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
  const problem = (status: number, code: string, headers: Record<string, string> = {}) =>
    answer(
      status,
      {
        type: `https://oauth1-connect.dev/problems/${code.replaceAll('_', '-')}`,
        title: code,
        status,
        detail: 'd',
        code,
      },
      { 'content-type': 'application/problem+json', ...headers },
    );

  it('passes an answer as documented', async () => {
    await expect(checkDocumentedAnswer('GET', '/v1/accounts', answer(200, { accounts: [account] }))).resolves.toBe(
      undefined,
    );
    const limited = problem(429, 'rate_limited', { 'retry-after': '3' });
    await expect(checkDocumentedAnswer('POST', '/v1/flows', limited)).resolves.toBe(undefined);
  });

  it.each([
    ['an undocumented status', 'GET', '/v1/accounts', answer(418, { accounts: [] }), /does not list/],
    [
      'a member no schema names (a token)',
      'GET',
      '/v1/accounts',
      answer(200, { accounts: [{ ...account, token: 't' }] }),
      /members/,
    ],
    [
      'a value off its schema',
      'GET',
      '/v1/accounts',
      answer(200, { accounts: [{ ...account, createdAt: 'today' }] }),
      /zod schema/,
    ],
    [
      'another media type',
      'GET',
      '/healthz',
      new Response('ok', { headers: { 'content-type': 'text/plain' } }),
      /text\/plain/,
    ],
    [
      'a code the route does not give at that status',
      'POST',
      '/v1/flows',
      problem(404, 'flow_not_found'),
      /zod schema/,
    ],
    ['a 429 without Retry-After', 'POST', '/v1/flows', problem(429, 'rate_limited'), /Retry-After/],
    ['an unknown path without its problem', 'GET', '/nowhere', answer(200, {}), /no documented route/],
  ])('refuses %s', async (_case, method, path, response, message) => {
    await expect(checkDocumentedAnswer(method, path, response)).rejects.toThrow(message);
  });
});

/** ERROR_STATUS of a code read from the document; undefined for a code it does not know. */
function statusOf(code: string): number | undefined {
  return Object.entries(ERROR_STATUS).find(([known]) => known === code)?.[1];
}

/** zod's JSON Schema, less `$schema` (the document's `jsonSchemaDialect` says it once), checked to be that dialect. */
function zodJsonSchema(schema: z.core.$ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io });
  expect($schema).toBe(JSON_SCHEMA_DIALECT);
  expect(jsonSchemaOf(schema, io)).toEqual(rest);
  return rest;
}

/** Every schema the document holds: components, parameters, bodies, answers and their headers. */
function schemasIn(doc: OpenApiDocument): JsonSchema[] {
  const found: JsonSchema[] = [...Object.values(doc.components.schemas)];
  for (const { operation } of operations) {
    for (const parameter of operation.parameters ?? []) found.push(parameter.schema);
    for (const media of Object.values(operation.requestBody?.content ?? {})) found.push(media.schema);
    for (const answer of Object.values(operation.responses)) {
      for (const media of Object.values(answer.content ?? {})) found.push(media.schema);
      for (const header of Object.values(answer.headers ?? {})) found.push(header.schema);
    }
  }
  return found;
}
