import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ERROR_STATUS } from '../../../lib/protocol';
import { type CompanionProcess, startCompanionProcess } from '../../support/companion-process';
import type { TestInstall } from '../../support/dpop';
import { authorizeOverHttp, REAL_CONSUMER } from '../../support/real-companion';

/**
 * Every companion of the reliability runs answers as this name, whatever port it listens on:
 * a companion restarted on another port takes the same proofs, as one behind a load balancer.
 */
export const PUBLIC_URL = 'https://companion.example';

/** Limits raised for the run: it measures the companion, not its rate limiter. */
export const RAISED_LIMITS = {
  FLOWS_PER_MINUTE: '100000',
  ALL_FLOWS_PER_MINUTE: '100000',
  REQUESTS_PER_MINUTE: '1000000',
  CALLS_PER_MINUTE: '100000',
};

/** The environment of a companion on `databaseUrl` with `configPath`'s providers (the same vault key on every restart). */
export function companionSettings(databaseUrl: string, configPath: string): Record<string, string> {
  return {
    PUBLIC_URL,
    DATABASE_URL: databaseUrl,
    VAULT_KEY: randomBytes(32).toString('base64'),
    COMPANION_CONFIG: configPath,
    DEV_CONSUMER_SECRET: REAL_CONSUMER.secret,
    ...RAISED_LIMITS,
  };
}

export { type CompanionProcess, startCompanionProcess };

/** Where requests go: the crash phase moves it to each restarted companion. */
export interface Target {
  url: string;
}

/**
 * One answer of the companion: its status and problem code, and how long it took. Status 0
 * is no answer at all (refused connection, or cut off by a kill).
 */
export interface Answer {
  readonly status: number;
  readonly code?: string | undefined;
  readonly json: Record<string, unknown>;
  readonly ms: number;
  /** When the request was sent, on performance.now()'s clock. */
  readonly at: number;
}

/** Whether an answer is a documented problem: a code of lib/protocol/error-codes.ts with its own status. */
export function isStableCode(answer: Answer): boolean {
  return (
    answer.code !== undefined &&
    Object.hasOwn(ERROR_STATUS, answer.code) &&
    ERROR_STATUS[answer.code as keyof typeof ERROR_STATUS] === answer.status
  );
}

/** A JSON call with a fresh DPoP proof, made before the clock starts. Never throws: no answer is status 0. */
export async function send(
  target: Target,
  install: TestInstall,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer> {
  const proof = await install.proof(method, `${PUBLIC_URL}${path}`);
  const at = performance.now();
  try {
    const response = await fetch(`${target.url}${path}`, {
      method,
      headers: { dpop: proof, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? null : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    const json = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    const code = typeof json.code === 'string' ? json.code : undefined;
    return { status: response.status, code, json, ms: performance.now() - at, at };
  } catch {
    return { status: 0, json: {}, ms: performance.now() - at, at };
  }
}

/** A proxied GET of the dev provider's verify-credentials: the cheapest call that signs with an account's token. */
export function proxiedCall(target: Target, install: TestInstall, accountId: string, devUrl: string) {
  return send(target, install, 'POST', `/v1/accounts/${accountId}/requests`, {
    method: 'GET',
    url: `${devUrl}/1.1/account/verify_credentials.json`,
  });
}

/** A proxied call that went all the way: the companion's 200 carrying the provider's 200. */
export const servedWell = (answer: Answer) => answer.status === 200 && answer.json.status === 200;

export interface ConnectOutcome {
  /** The answer that ended the flow: the complete's, or the create's when that failed. */
  readonly last: Answer;
  readonly answers: readonly Answer[];
  readonly accountId?: string;
  /** From the create to the complete's answer, authorization at the provider included. */
  readonly ms: number;
}

/** One whole connect flow over HTTP: create, the user's decision at the dev provider, complete. */
export async function connect(target: Target, install: TestInstall, userId = '1001'): Promise<ConnectOutcome> {
  const started = performance.now();
  const created = await send(target, install, 'POST', '/v1/flows', { provider: 'dev' });
  if (created.status !== 201) return { last: created, answers: [created], ms: performance.now() - started };
  const callback = await authorizeOverHttp(created.json.authorizeUrl as string, userId);
  const completed = await send(target, install, 'POST', `/v1/flows/${created.json.flowId}/complete`, {
    oauthToken: callback.searchParams.get('oauth_token'),
    oauthVerifier: callback.searchParams.get('oauth_verifier'),
  });
  const account = completed.json.account as { id?: string } | undefined;
  return {
    last: completed,
    answers: [created, completed],
    ...(completed.status === 201 && account?.id ? { accountId: account.id } : {}),
    ms: performance.now() - started,
  };
}

/** A process's resident set now and at its peak (Linux /proc), in MB. */
export function residentMegabytes(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]);
  return { now: Math.round(kilobytes('VmRSS') / 1024), peak: Math.round(kilobytes('VmHWM') / 1024) };
}

/** The median and the 99th percentile of `values`, in whole milliseconds (null for none). */
export function percentiles(values: readonly number[]): { p50: number | null; p99: number | null } {
  if (values.length === 0) return { p50: null, p99: null };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
  return { p50: at(0.5), p99: at(0.99) };
}

/** Counts by key, e.g. answers by code: {"201": 498, "rate_limited": 2}. */
export function tally<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

/** What an answer is called in tallies: its problem code, else its status ("no answer" for 0). */
export const answerName = (answer: Answer) =>
  answer.code ?? (answer.status === 0 ? 'no answer' : String(answer.status));

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `work(i)` for i in [0, count), `concurrency` at a time. */
export async function inParallel(count: number, concurrency: number, work: (index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}
