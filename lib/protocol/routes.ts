import { z } from 'zod';
import { AccountsResponse, RevokeResponse } from './accounts';
import { Id } from './common';
import { ERROR_CODES, ERROR_STATUS, type ErrorCode } from './error-codes';
import { CompleteFlowRequest, CompleteFlowResponse, CreateFlowRequest, CreateFlowResponse } from './flows';
import { HealthResponse } from './health';
import { ForgetInstallResponse } from './installs';
import { Problem, RetryAfterSeconds } from './problem';
import { ProvidersResponse } from './providers';
import { ProxyRequest, ProxyResponse } from './proxy';

/**
 * Every route of the companion (server/app.ts, server/routes/*.ts) with what
 * it takes and answers: the one mapping from routes to lib/protocol schemas.
 * lib/protocol/openapi.ts turns it into the OpenAPI document served at
 * GET /openapi.json and rendered to docs/api.md; the route tests check real
 * answers against it. A route missing here fails tests/server/routes/openapi.test.ts.
 */

export type MediaType = 'application/json' | 'application/problem+json' | 'text/html' | 'text/plain';

/** Who may call a route: an install's DPoP proof, anyone, or /metrics' own rule. */
export type Auth = 'dpop' | 'none' | 'metrics';

export interface ParameterContract {
  readonly description: string;
  readonly schema: z.core.$ZodType;
}

export interface HeaderContract {
  readonly description: string;
  readonly schema: z.core.$ZodType;
}

export interface AnswerContract {
  readonly status: number;
  readonly description: string;
  /** Absent for an answer without a body (204). */
  readonly body?: { readonly mediaType: MediaType; readonly schema: z.core.$ZodType };
  /** Headers every answer of this status carries. */
  readonly headers?: Readonly<Record<string, HeaderContract>>;
  /** For problem answers: the codes this route answers with this status. */
  readonly codes?: readonly ErrorCode[];
}

export interface RouteContract {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** OpenAPI form: `{flowId}`, where Hono writes `:flowId`. */
  readonly path: string;
  readonly operationId: string;
  readonly tag: string;
  readonly summary: string;
  readonly description: string;
  readonly auth: Auth;
  readonly pathParams?: Readonly<Record<string, ParameterContract>>;
  readonly query?: Readonly<Record<string, ParameterContract>>;
  /** A JSON body, read by server/http/read-json.ts. */
  readonly requestBody?: z.core.$ZodType;
  /**
   * The body may also come as multipart/form-data: the JSON body as its first
   * part, `request`, then the files it declares (server/http/read-proxy-input.ts).
   */
  readonly multipartFiles?: boolean;
  /** The answers when all goes well. */
  readonly success: readonly AnswerContract[];
  /** Counted by server/http/rate-limit.ts. */
  readonly rateLimited?: boolean;
  /** Calls the provider and passes its failures on (token calls and the signing proxy). */
  readonly reachesProvider?: boolean;
  /** The codes of the route's own rules, beyond those its middleware and facets give (see problemCodesOf). */
  readonly codes?: readonly ErrorCode[];
}

const DPOP_CODES = ['dpop_missing', 'dpop_invalid', 'dpop_mismatch', 'dpop_stale', 'dpop_replayed'] as const;
const BODY_CODES = ['invalid_request', 'malformed_json', 'unsupported_media_type'] as const;
const PROVIDER_CODES = ['provider_error', 'upstream_timeout', 'upstream_too_large', 'companion_busy'] as const;

const json = (schema: z.core.$ZodType) => ({ mediaType: 'application/json' as const, schema });

const pathId = (what: string): ParameterContract => ({
  description: `The ${what}'s id, as the companion handed it out (else \`invalid_request\`).`,
  schema: Id,
});

/** The OpenAPI document's own shape, as far as a client relies on it. */
export const OpenApiDocumentShape = z
  .looseObject({
    openapi: z.string().regex(/^3\.1\.\d+$/),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.looseObject({})),
  })
  .meta({ description: 'This document: OpenAPI 3.1, its schemas generated from lib/protocol.' });

export const ROUTES: readonly RouteContract[] = [
  {
    method: 'GET',
    path: '/v1/providers',
    operationId: 'listProviders',
    tag: 'providers',
    summary: 'List the configured providers',
    description: 'Each provider with its flow modes and the API base URLs the signing proxy may call.',
    auth: 'dpop',
    rateLimited: true,
    success: [{ status: 200, description: 'The providers.', body: json(ProvidersResponse) }],
  },
  {
    method: 'POST',
    path: '/v1/flows',
    operationId: 'createFlow',
    tag: 'flows',
    summary: 'Start connecting an account',
    description:
      "Asks the provider for a request token and binds a 10-minute flow to this install. Rate-limited per install (FLOWS_PER_MINUTE, shared with completing) and for all installs together (ALL_FLOWS_PER_MINUTE): the consumer key's quota is shared.",
    auth: 'dpop',
    requestBody: CreateFlowRequest,
    success: [{ status: 201, description: 'The flow, and where to send the user.', body: json(CreateFlowResponse) }],
    rateLimited: true,
    reachesProvider: true,
    codes: [
      'unknown_provider',
      'mode_not_supported',
      'access_not_supported',
      'provider_retired',
      'account_not_found',
      'callback_not_confirmed',
    ],
  },
  {
    method: 'POST',
    path: '/v1/flows/{flowId}/complete',
    operationId: 'completeFlow',
    tag: 'flows',
    summary: 'Finish connecting: exchange the verifier',
    description:
      'Checks install, expiry, the request token and single use, exchanges the verifier for the access token and stores the account, its tokens sealed. A failed exchange ends the flow (verifiers are single-use). `{denied}` ends it with `403 flow_denied`. Rate-limited with POST /v1/flows (one window).',
    auth: 'dpop',
    pathParams: { flowId: pathId('flow') },
    requestBody: CompleteFlowRequest,
    success: [{ status: 201, description: 'The connected account.', body: json(CompleteFlowResponse) }],
    rateLimited: true,
    reachesProvider: true,
    codes: [
      'unknown_provider',
      'flow_not_found',
      'flow_expired',
      'flow_completed',
      'token_mismatch',
      'flow_denied',
      'flow_interrupted',
      'verifier_rejected',
      'reconnect_other_user',
    ],
  },
  {
    method: 'DELETE',
    path: '/v1/flows/{flowId}',
    operationId: 'cancelFlow',
    tag: 'flows',
    summary: 'Cancel a flow',
    description: 'The user cancelled or closed the tab. A flow being completed runs to its end (`409 flow_completed`).',
    auth: 'dpop',
    rateLimited: true,
    pathParams: { flowId: pathId('flow') },
    success: [{ status: 204, description: 'The flow is gone.' }],
    codes: ['flow_not_found', 'flow_completed'],
  },
  {
    method: 'GET',
    path: '/v1/accounts',
    operationId: 'listAccounts',
    tag: 'accounts',
    summary: "List this install's accounts",
    description: 'Ids, names, dates and status: never a token.',
    auth: 'dpop',
    rateLimited: true,
    success: [{ status: 200, description: 'The accounts.', body: json(AccountsResponse) }],
  },
  {
    method: 'DELETE',
    path: '/v1/accounts/{accountId}',
    operationId: 'revokeAccount',
    tag: 'accounts',
    summary: 'Disconnect an account',
    description:
      "Calls the provider's invalidate-token URL when configured, then deletes the account whatever the provider answered.",
    auth: 'dpop',
    rateLimited: true,
    pathParams: { accountId: pathId('account') },
    success: [{ status: 200, description: 'The account is deleted.', body: json(RevokeResponse) }],
    codes: ['account_not_found'],
  },
  {
    method: 'POST',
    path: '/v1/accounts/{accountId}/requests',
    operationId: 'proxyRequest',
    tag: 'accounts',
    summary: 'Sign an API call as the account and send it (the signing proxy)',
    description:
      "Only to URLs under the provider's `apiBaseUrls`; redirects are never followed; one 15 s deadline (plus a second per 128 KiB of files); at most 5 MiB answered, within the companion's answer budget. A token the provider rejects marks the account `invalid`. Secrets echoed by the provider are redacted. Rate-limited per install (REQUESTS_PER_MINUTE). A request with files (`multipart` file fields, `raw`) comes as multipart/form-data: the JSON first, as the part `request`, then each file in the part its `file` names; at most UPLOAD_MAX_MB (20 MiB) of files, each checked against its declared `size` and `md5` before anything is sent.",
    auth: 'dpop',
    pathParams: { accountId: pathId('account') },
    requestBody: ProxyRequest,
    multipartFiles: true,
    success: [
      {
        status: 200,
        description: "The provider's answer in an envelope, whatever its status; `Content-Length` is exact.",
        body: json(ProxyResponse),
      },
    ],
    rateLimited: true,
    reachesProvider: true,
    codes: [
      'account_not_found',
      'account_invalid',
      'account_needs_reconnect',
      'unknown_provider',
      'url_not_allowed',
      'upload_mismatch',
      'upload_not_allowed',
    ],
  },
  {
    method: 'DELETE',
    path: '/v1/installs/me',
    operationId: 'forgetInstall',
    tag: 'installs',
    summary: 'Forget this device',
    description:
      'Offers every account of the install to its provider for invalidation, then deletes the install with all its flows and accounts in one transaction.',
    auth: 'dpop',
    rateLimited: true,
    success: [{ status: 200, description: 'The install is forgotten.', body: json(ForgetInstallResponse) }],
  },
  {
    method: 'GET',
    path: '/oauth/callback',
    operationId: 'callbackPage',
    tag: 'pages',
    summary: 'The landing page after the provider',
    description:
      "Where the provider sends the user's tab. The extension reads the URL from the tabs API and closes the tab; the page echoes nothing from the URL.",
    auth: 'none',
    query: {
      oauth_token: { description: 'The request token, as the provider sends it back.', schema: z.string() },
      oauth_verifier: { description: 'The verifier, for the extension to read.', schema: z.string() },
      denied: { description: 'Set by providers where the user declined.', schema: z.string() },
    },
    success: [
      {
        status: 200,
        description: 'An HTML page: "Almost done", or "Not connected" when `denied` is set.',
        body: { mediaType: 'text/html', schema: z.string() },
        headers: {
          'Referrer-Policy': { description: 'The URL (its verifier) goes nowhere.', schema: z.literal('no-referrer') },
          'Cache-Control': { description: 'Never cached.', schema: z.literal('no-store') },
        },
      },
    ],
  },
  {
    method: 'GET',
    path: '/healthz',
    operationId: 'health',
    tag: 'operations',
    summary: 'Health, after a store ping',
    description: 'For load balancers and orchestrators: 200 once the store answers.',
    auth: 'none',
    success: [{ status: 200, description: 'Healthy.', body: json(HealthResponse) }],
    codes: ['store_unavailable', 'internal_error'],
  },
  {
    method: 'GET',
    path: '/metrics',
    operationId: 'metrics',
    tag: 'operations',
    summary: 'Prometheus metrics',
    description:
      'With METRICS_TOKEN set: for `Authorization: Bearer <token>`, from anywhere. Without: only while PUBLIC_URL is loopback, and only for a loopback socket without Forwarded, X-Forwarded-For or X-Real-IP. Anyone else gets the `not_found` problem of an unknown path.',
    auth: 'metrics',
    success: [
      {
        status: 200,
        description: 'Prometheus text exposition.',
        body: { mediaType: 'text/plain', schema: z.string() },
      },
    ],
  },
  {
    method: 'GET',
    path: '/openapi.json',
    operationId: 'openApiDocument',
    tag: 'operations',
    summary: 'This OpenAPI document',
    description: 'Generated from lib/protocol once per process; docs/api.md is rendered from it.',
    auth: 'none',
    success: [{ status: 200, description: 'The OpenAPI 3.1 document.', body: json(OpenApiDocumentShape) }],
  },
];

/**
 * The error codes a route may answer, in ERROR_CODES order: its own, and
 * those of its facets. /v1 routes: the proof check (dpop_*, and
 * store_unavailable or internal_error, as it writes the store) and, for methods with a body, the
 * 256 KiB limit (body_too_large); path ids and bodies: invalid_request; bodies
 * also malformed_json and unsupported_media_type; rate limits: rate_limited;
 * provider calls: provider_error, upstream_timeout, upstream_too_large,
 * companion_busy; /metrics: not_found for whoever it does not admit.
 */
export function problemCodesOf(route: RouteContract): ErrorCode[] {
  const codes = new Set<ErrorCode>(route.codes);
  const add = (more: readonly ErrorCode[]) => {
    for (const code of more) codes.add(code);
  };
  if (route.auth === 'dpop') add([...DPOP_CODES, 'store_unavailable', 'internal_error']);
  if (route.auth === 'dpop' && route.method !== 'GET') add(['body_too_large']);
  if (route.auth === 'metrics') add(['not_found']);
  if (route.pathParams) add(['invalid_request']);
  if (route.requestBody) add(BODY_CODES);
  if (route.rateLimited) add(['rate_limited']);
  if (route.reachesProvider) add(PROVIDER_CODES);
  return ERROR_CODES.filter((code) => codes.has(code));
}

/** Statuses whose answers tell the caller when to try again. */
const RETRY_AFTER: Readonly<Record<number, HeaderContract>> = {
  429: { description: 'Seconds until the rate window resets (at least 1).', schema: RetryAfterSeconds },
  503: {
    description: 'Seconds to wait before trying again (1 when the answer budget is full, 2 when the database is away).',
    schema: RetryAfterSeconds,
  },
};

/**
 * The problem answer of one status: Problem with `status` that status and
 * `code` one of the route's codes for it.
 */
export function problemSchemaOf(status: number, codes: readonly ErrorCode[]): z.core.$ZodType {
  // Problem is zod/mini (lib/protocol is, for the extension): its shape, extended as Problem.extend would.
  return z.object({ ...Problem.shape, status: z.literal(status), code: z.enum(codes) }).meta({
    description: `An RFC 9457 problem: ${codes.map((code) => `\`${code}\``).join(', ')}.`,
  });
}

const answerCache = new WeakMap<RouteContract, readonly AnswerContract[]>();

/**
 * Every answer a route may give, by status: its success answers, then one
 * problem answer per status of its codes (Retry-After on 429 and 503). The
 * OpenAPI document and the route tests both read it, so they cannot disagree.
 */
export function answersOf(route: RouteContract): readonly AnswerContract[] {
  const cached = answerCache.get(route);
  if (cached) return cached;
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of problemCodesOf(route)) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const problems = [...byStatus.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, codes]): AnswerContract => {
      const retryAfter = RETRY_AFTER[status];
      return {
        status,
        description: codes.map((code) => `\`${code}\``).join(', '),
        body: { mediaType: 'application/problem+json', schema: problemSchemaOf(status, codes) },
        codes,
        ...(retryAfter ? { headers: { 'Retry-After': retryAfter } } : {}),
      };
    });
  const answers = [...route.success, ...problems];
  answerCache.set(route, answers);
  return answers;
}
