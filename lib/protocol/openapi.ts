import { z } from 'zod';
import type { JSONSchema } from 'zod/v4/core';
import * as protocol from './index';
import { type AnswerContract, answersOf, type ParameterContract, ROUTES, type RouteContract } from './routes';

/**
 * The companion's OpenAPI 3.1 document, generated from the route table
 * (routes.ts) and its lib/protocol zod schemas with zod's own JSON Schema
 * output (draft 2020-12, OpenAPI 3.1's dialect): no schema is written twice.
 * Served at GET /openapi.json; docs/api.md is rendered from it
 * (scripts/api-doc.ts).
 */

export const OPENAPI_VERSION = '3.1.1';
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** A JSON Schema (draft 2020-12), as zod writes and reads them. */
export type JsonSchema = JSONSchema.JSONSchema;

export interface OpenApiParameter {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly required: boolean;
  readonly description: string;
  readonly schema: JsonSchema;
}

export interface OpenApiMediaType {
  readonly schema: JsonSchema;
  /** How parts of a multipart body are encoded (OpenAPI 3.1 section 4.8.15). */
  readonly encoding?: Readonly<Record<string, { readonly contentType: string }>>;
}

export interface OpenApiHeader {
  readonly description: string;
  readonly required: true;
  readonly schema: JsonSchema;
}

export interface OpenApiResponse {
  readonly description: string;
  readonly headers?: Readonly<Record<string, OpenApiHeader>>;
  readonly content?: Readonly<Record<string, OpenApiMediaType>>;
  /** The error codes of a problem answer, for readers and docs/api.md (the schema's `code` enum says the same). */
  readonly 'x-error-codes'?: readonly string[];
}

export interface OpenApiOperation {
  readonly operationId: string;
  readonly tags: readonly string[];
  readonly summary: string;
  readonly description: string;
  /** `[]`: no proof needed; `[{}]` among others: that scheme is optional. */
  readonly security: readonly Readonly<Record<string, readonly string[]>>[];
  readonly parameters?: readonly OpenApiParameter[];
  readonly requestBody?: { readonly required: true; readonly content: Readonly<Record<string, OpenApiMediaType>> };
  readonly responses: Readonly<Record<string, OpenApiResponse>>;
}

export interface OpenApiSecurityScheme {
  readonly type: 'apiKey' | 'http';
  readonly description: string;
  readonly in?: 'header';
  readonly name?: string;
  readonly scheme?: string;
}

export interface OpenApiDocument {
  readonly openapi: string;
  readonly jsonSchemaDialect: string;
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly servers?: readonly { readonly url: string }[];
  readonly tags: readonly { readonly name: string; readonly description: string }[];
  readonly paths: Readonly<Record<string, Readonly<Record<string, OpenApiOperation>>>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, JsonSchema>>;
    readonly securitySchemes: Readonly<Record<string, OpenApiSecurityScheme>>;
  };
}

const DPOP_DESCRIPTION = [
  'Every /v1 request carries a fresh DPoP proof (RFC 9449) in the `DPoP` header: a JWT with header',
  '`typ: dpop+jwt`, `alg: ES256` and the public P-256 `jwk` of the install (canonical 43-character',
  'coordinates), and claims `htm` (the method), `htu` (PUBLIC_URL + the path, query ignored), `iat`',
  "(within 60 s of the companion's clock) and `jti` (16-128 characters, never used before by this key),",
  "signed by the install's non-extractable key. The install id is the key's RFC 7638 thumbprint: there",
  'is no bearer secret. At most one proof, of at most 4096 characters; no `crit` or `b64` header.',
].join(' ');

const METRICS_DESCRIPTION =
  'METRICS_TOKEN, when set, as `Authorization: Bearer <token>`. Without it, /metrics answers only a loopback socket with no relay header, and only while PUBLIC_URL is loopback.';

const TAGS = [
  { name: 'providers', description: 'What this companion can connect to.' },
  { name: 'flows', description: 'Connecting an account: OAuth 1.0a steps 2 to 6.' },
  { name: 'accounts', description: 'Connected accounts, and the signing proxy that calls APIs as them.' },
  { name: 'installs', description: 'The browser install itself (its DPoP key).' },
  { name: 'pages', description: 'What a browser tab shows.' },
  { name: 'operations', description: 'Health, metrics and this document.' },
];

/**
 * A zod schema as a JSON Schema of OpenAPI 3.1's dialect (draft 2020-12):
 * `z.toJSONSchema` exactly, less `$schema`, which the document states once
 * as `jsonSchemaDialect`. Requests are described as they are sent (`input`),
 * answers as they are written (`output`).
 */
export function jsonSchemaOf(schema: z.core.$ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...generated } = z.toJSONSchema(schema, { target: 'draft-2020-12', io });
  return generated;
}

/** lib/protocol's exported schemas by identity, named as exported: the names of the document's components. */
const PROTOCOL_NAMES = new Map<z.core.$ZodType, string>(
  Object.entries(protocol).flatMap(([name, value]) =>
    value instanceof z.core.$ZodType ? [[value, name] as const] : [],
  ),
);

/** The component name a route's schema is listed under, when lib/protocol exports it; else it is inlined. */
export function componentNameOf(schema: z.core.$ZodType): string | undefined {
  return PROTOCOL_NAMES.get(schema);
}

/** Builds the document; `serverUrl` (PUBLIC_URL) is left out of docs/api.md, which serves every deployment. */
export function openApiDocument(options: { readonly serverUrl?: string } = {}): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = {};
  const schemaFor = (schema: z.core.$ZodType, io: 'input' | 'output'): JsonSchema => {
    const name = componentNameOf(schema);
    const generated = jsonSchemaOf(schema, io);
    if (name === undefined) return generated;
    // One name, one schema: a schema whose input and output differ cannot be listed once for both.
    if (schemas[name] && JSON.stringify(schemas[name]) !== JSON.stringify(generated)) {
      throw new Error(`${name} reads differently as a request and as an answer`);
    }
    schemas[name] = generated;
    return { $ref: `#/components/schemas/${name}` };
  };
  // The general problem shape, for clients that handle every problem alike; each answer narrows it.
  schemas.Problem = jsonSchemaOf(protocol.Problem, 'output');

  const paths: Record<string, Record<string, OpenApiOperation>> = {};
  for (const route of ROUTES) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operationOf(route, schemaFor) };
  }
  return {
    openapi: OPENAPI_VERSION,
    jsonSchemaDialect: JSON_SCHEMA_DIALECT,
    info: {
      title: 'OAuth 1.0a Connect companion',
      version: '1.0.0',
      description:
        'The signing backend of the OAuth 1.0a Connect extension: it holds the consumer secrets, runs the three-legged flow and signs API calls for connected accounts. Errors are RFC 9457 problems (application/problem+json) with a stable `code`. A path it does not serve answers `404 not_found` (under /v1 after the proof check, so a request without a proof gets `dpop_missing` first).',
    },
    ...(options.serverUrl === undefined ? {} : { servers: [{ url: options.serverUrl }] }),
    tags: TAGS,
    paths,
    components: {
      schemas,
      securitySchemes: {
        DPoP: { type: 'apiKey', in: 'header', name: 'DPoP', description: DPOP_DESCRIPTION },
        MetricsToken: { type: 'http', scheme: 'bearer', description: METRICS_DESCRIPTION },
      },
    },
  };
}

type SchemaFor = (schema: z.core.$ZodType, io: 'input' | 'output') => JsonSchema;

function operationOf(route: RouteContract, schemaFor: SchemaFor): OpenApiOperation {
  const parameters = [
    ...parametersOf(route.pathParams, 'path', schemaFor),
    ...parametersOf(route.query, 'query', schemaFor),
  ];
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    description: route.description,
    security: securityOf(route),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.requestBody
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: schemaFor(route.requestBody, 'input') },
              ...(route.multipartFiles
                ? { 'multipart/form-data': multipartOf(schemaFor(route.requestBody, 'input')) }
                : {}),
            },
          },
        }
      : {}),
    responses: Object.fromEntries(
      answersOf(route).map((answer) => [String(answer.status), responseOf(answer, schemaFor)]),
    ),
  };
}

/** A JSON body as the `request` part of a multipart body, followed by file parts of any name. */
function multipartOf(request: JsonSchema): OpenApiMediaType {
  return {
    schema: {
      type: 'object',
      required: ['request'],
      properties: { request: request },
      additionalProperties: {
        type: 'string',
        contentMediaType: 'application/octet-stream',
        description: "A file's bytes, in the part its `file` names.",
      },
    },
    encoding: { request: { contentType: 'application/json' } },
  };
}

function securityOf(route: RouteContract): OpenApiOperation['security'] {
  if (route.auth === 'dpop') return [{ DPoP: [] }];
  // The token, or nothing at all from this machine: `{}` makes the scheme optional.
  if (route.auth === 'metrics') return [{ MetricsToken: [] }, {}];
  return [];
}

function parametersOf(
  parameters: Readonly<Record<string, ParameterContract>> | undefined,
  where: 'path' | 'query',
  schemaFor: SchemaFor,
): OpenApiParameter[] {
  return Object.entries(parameters ?? {}).map(([name, parameter]) => ({
    name,
    in: where,
    // Path parameters are always required (OpenAPI); query ones here never are.
    required: where === 'path',
    description: parameter.description,
    schema: schemaFor(parameter.schema, 'input'),
  }));
}

function responseOf(answer: AnswerContract, schemaFor: SchemaFor): OpenApiResponse {
  const headers = Object.entries(answer.headers ?? {}).map(([name, header]): [string, OpenApiHeader] => [
    name,
    { description: header.description, required: true, schema: schemaFor(header.schema, 'output') },
  ]);
  return {
    description: answer.description,
    ...(headers.length > 0 ? { headers: Object.fromEntries(headers) } : {}),
    ...(answer.body
      ? { content: { [answer.body.mediaType]: { schema: schemaFor(answer.body.schema, 'output') } } }
      : {}),
    ...(answer.codes ? { 'x-error-codes': answer.codes } : {}),
  };
}
