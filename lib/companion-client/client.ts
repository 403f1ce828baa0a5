import * as z from 'zod/mini';
import { ExtensionError } from '../errors/extension-error';
import {
  type Account,
  AccountsResponse,
  type CompleteFlowRequest,
  CompleteFlowResponse,
  type CreateFlowRequest,
  CreateFlowResponse,
  type ErrorCode,
  ForgetInstallResponse,
  Problem,
  type ProviderSummary,
  ProvidersResponse,
  type ProxyRequest,
  ProxyResponse,
  RevokeResponse,
} from '../protocol';
import { createProof } from './dpop-proof';

/**
 * A companion answer that is not a success: an ExtensionError with the
 * companion's code (`status` its HTTP status, `retryAfterSeconds` from
 * `Retry-After`, `limitBytes` from the problem), or `companion_unreachable`,
 * or `bad_answer` for an answer the contract does not allow.
 */
export class CompanionClientError extends ExtensionError {
  override name = 'CompanionClientError';

  constructor(
    override readonly code: ErrorCode | 'companion_unreachable' | 'bad_answer',
    message: string,
    status?: number,
    details: { readonly retryAfterSeconds?: number; readonly limitBytes?: number } = {},
  ) {
    super(code, message, { ...details, ...(status === undefined ? {} : { status }) });
  }
}

export interface CompanionClientOptions {
  /** The companion's public URL, e.g. http://127.0.0.1:8787 */
  readonly baseUrl: string;
  readonly keyPair: CryptoKeyPair;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

/**
 * The extension's side of the companion API (types from lib/protocol, so
 * both sides compile against one contract). Every call carries a fresh DPoP
 * proof; every answer is checked against its lib/protocol schema, so what
 * a caller gets is what the contract says. Failures become
 * CompanionClientError: the companion's code (its problem checked too),
 * `companion_unreachable`, or `bad_answer` for an answer that is not JSON or
 * not of its schema.
 */
export function createCompanionClient(options: CompanionClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const now = options.now ?? Date.now;

  /** One call; its answer parsed with `answer` (none for a 204), or a CompanionClientError. */
  async function call<T>(answer: z.ZodMiniType<T> | null, method: string, path: string, body?: unknown): Promise<T> {
    const url = `${base}${path}`;
    const proof = await createProof({ keyPair: options.keyPair, method, url, now: now() });
    const isForm = body instanceof FormData;
    let response: Response;
    try {
      response = await doFetch(url, {
        method,
        // The companion never redirects: a redirect is someone else answering.
        redirect: 'error',
        // A FormData body gets its multipart Content-Type, boundary included, from fetch.
        headers: { dpop: proof, ...(body === undefined || isForm ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? null : isForm ? body : JSON.stringify(body),
      });
    } catch (error) {
      throw new CompanionClientError(
        'companion_unreachable',
        `the companion at ${base} cannot be reached: ${(error as Error).message}`,
      );
    }
    if (response.status === 204 && answer === null) return undefined as T;
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      throw new CompanionClientError(
        'bad_answer',
        `the companion answered HTTP ${response.status} without JSON`,
        response.status,
      );
    }
    if (!response.ok) throw problemError(response, json);
    const parsed = answer?.safeParse(json);
    if (!parsed?.success) {
      throw new CompanionClientError(
        'bad_answer',
        `the companion's answer to ${method} ${path} is not of the contract${parsed ? `: ${parsed.error.issues[0]?.message}` : ''}`,
        response.status,
      );
    }
    return parsed.data;
  }

  return {
    providers: async (): Promise<ProviderSummary[]> =>
      (await call(ProvidersResponse, 'GET', '/v1/providers')).providers,
    createFlow: (input: CreateFlowRequest) => call(CreateFlowResponse, 'POST', '/v1/flows', input),
    completeFlow: async (flowId: string, input: CompleteFlowRequest): Promise<Account> =>
      (await call(CompleteFlowResponse, 'POST', `/v1/flows/${pathId(flowId)}/complete`, input)).account,
    cancelFlow: (flowId: string) => call<void>(null, 'DELETE', `/v1/flows/${pathId(flowId)}`),
    accounts: async (): Promise<Account[]> => (await call(AccountsResponse, 'GET', '/v1/accounts')).accounts,
    revoke: (accountId: string) => call(RevokeResponse, 'DELETE', `/v1/accounts/${pathId(accountId)}`),
    /**
     * A signed API call. With `files` (the bytes of the file fields `input`
     * declares, by their `file` names), the body is multipart/form-data: the
     * JSON as the part `request`, then one part per file.
     */
    request: (accountId: string, input: ProxyRequest, files?: ReadonlyMap<string, Blob>) =>
      call(
        ProxyResponse,
        'POST',
        `/v1/accounts/${pathId(accountId)}/requests`,
        files && files.size > 0 ? uploadForm(input, files) : input,
      ),
    forgetInstall: () => call(ForgetInstallResponse, 'DELETE', '/v1/installs/me'),
  };
}

export type CompanionClient = ReturnType<typeof createCompanionClient>;

/** The companion's upload body: the request first (it declares the files), then each file in its named part. */
function uploadForm(input: ProxyRequest, files: ReadonlyMap<string, Blob>): FormData {
  const form = new FormData();
  form.append('request', JSON.stringify(input));
  for (const [name, bytes] of files) form.append(name, bytes, name);
  return form;
}

/**
 * What the companion's problem answer says (`Problem`, lib/protocol): its
 * code, detail and limit, with `Retry-After`; an answer that is not a problem
 * of a known code (a proxy's error page) is `bad_answer` with its status.
 */
function problemError(response: Response, json: unknown): CompanionClientError {
  const problem = ProblemAnswer.safeParse(json);
  if (!problem.success) {
    return new CompanionClientError('bad_answer', `the companion answered HTTP ${response.status}`, response.status);
  }
  const { code, detail, limitBytes } = problem.data;
  const retryAfterSeconds = retryAfter(response.headers.get('retry-after'));
  return new CompanionClientError(code, detail ?? `HTTP ${response.status}`, response.status, {
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    ...(limitBytes === undefined ? {} : { limitBytes }),
  });
}

/** The part of a problem the extension uses; `detail` may be missing from what a reverse proxy writes. */
const ProblemAnswer = z.partial(z.pick(Problem, { code: true, detail: true, limitBytes: true }), { detail: true });

/** `Retry-After` in seconds (RFC 9110: delay-seconds; the companion sends no dates), or undefined. */
function retryAfter(header: string | null): number | undefined {
  if (header === null || !/^\d{1,9}$/.test(header.trim())) return undefined;
  return Number(header.trim());
}

/**
 * An id as a path segment. A lone surrogate (which no id of the companion's
 * holds) is written as U+FFFD rather than thrown by encodeURIComponent: the
 * companion then answers for a malformed or unknown id, with its code.
 */
function pathId(id: string): string {
  return encodeURIComponent(id.toWellFormed());
}
