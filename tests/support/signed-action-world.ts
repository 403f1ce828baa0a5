import { createHash } from 'node:crypto';
import 'fake-indexeddb/auto';
import { createStore } from 'idb-keyval';
import { vi } from 'vitest';
import { readAccounts } from '../../lib/accounts/accounts';
import type { CompanionClient } from '../../lib/companion-client/client';
import { type ConsentWindowPort, settleQuestion } from '../../lib/consent/consent-broker';
import { type ConsentAnswer, type ConsentQuestion, readQuestion } from '../../lib/consent/consent-questions';
import type { ContentSender } from '../../lib/consent/content-sender';
import { type SignedActionDeps, signedActionHandlers } from '../../lib/consent/signed-action';
import { changeState } from '../../lib/flows/flow-state';
import type { SignedActionRequest, SignedActionResult } from '../../lib/messaging/content-protocol';
import type { Account, ProviderSummary, ProxyRequest, ProxyResponse } from '../../lib/protocol';
import { guardStore } from '../../lib/storage/registry';

/**
 * A content script's message as the background's listener handles it
 * (signedActionHandlers): the sender judged, the parameters checked against
 * CONTENT_PARAMS, then performSignedAction.
 */
export async function handleSignedAction(
  deps: SignedActionDeps,
  sender: ContentSender,
  params: unknown,
): Promise<SignedActionResult> {
  const handlers = signedActionHandlers(
    async () => deps,
    () => deps.ownId,
  );
  return handlers.requestSignedAction(params as SignedActionRequest, sender);
}

export const OWN_ID = 'our-extension-id';
export const SITE = 'https://site.example';
export const NOW = 1_700_000_000_000;

/** X as the companion lists it, with API v2 (where media uploads are) allowed. */
export const X: ProviderSummary = {
  id: 'x',
  name: 'X',
  modes: ['callback'],
  apiBaseUrls: ['https://api.x.com/1.1/', 'https://api.x.com/2/'],
};

/** Chrome's view of our content script in the top frame of a tab of SITE. */
export const SENDER: ContentSender = {
  id: OWN_ID,
  url: `${SITE}/compose`,
  origin: SITE,
  frameId: 0,
  tab: { id: 7, url: `${SITE}/compose` },
};

export function account(id: string, screenName: string): Account {
  return {
    id,
    provider: 'x',
    userId: `user-${id}`,
    screenName,
    createdAt: '2024-01-01T00:00:00.000Z',
    lastUsedAt: null,
    status: 'active',
    access: 'write',
    expiresAt: null,
  };
}

export const ALICE = account('acc-alice', 'alice');
export const BOB = account('acc-bob', 'bob');

export type CompanionRequest = (
  accountId: string,
  input: ProxyRequest,
  files?: ReadonlyMap<string, Blob>,
) => Promise<ProxyResponse>;

export interface WorldOptions {
  readonly cached?: readonly Account[];
  /** The user's answers to the consent windows, in order; a window without one is left unanswered. */
  readonly answers?: readonly ConsentAnswer[];
  /** The companion's answer to a signed call (the provider's response in its envelope). */
  readonly request?: CompanionRequest;
  readonly consentTimeoutMs?: number;
}

/**
 * performSignedAction's world, faked at its ports only: the companion client,
 * the consent window (a user who answers in turn), the clock. The store,
 * consent broker, sequences and activity log are the real ones.
 */
export async function signedActionWorld(options: WorldOptions = {}) {
  const store = guardStore(createStore(`test-${crypto.randomUUID()}`, 'state'));
  const cached = options.cached ?? [ALICE];
  await changeState(store, (s) => [{ ...s, accounts: [...cached] }, undefined]);
  const answers = [...(options.answers ?? [])];
  /** Each question as the consent window read it when it opened. */
  const questions: ConsentQuestion[] = [];
  const clock = { now: NOW };
  const consentWindow: ConsentWindowPort = {
    open: async (questionId) => {
      questions.push((await readQuestion(store, questionId)) as ConsentQuestion);
      const answer = answers.shift();
      if (answer) setTimeout(() => void settleQuestion(deps, questionId, answer), 0);
      return 500 + questions.length;
    },
    close: async () => undefined,
    focus: async () => undefined,
  };
  const request = vi.fn<CompanionRequest>(
    options.request ??
      (async () => ({
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: '{}',
        bodyEncoding: 'utf8',
      })),
  );
  const providers = vi.fn(async () => [X]);
  const client = { providers, request } as unknown as CompanionClient;
  const deps: SignedActionDeps = {
    store,
    client,
    consentWindow,
    now: () => clock.now,
    ownId: OWN_ID,
    consentTimeoutMs: options.consentTimeoutMs ?? 5_000,
    accounts: () => readAccounts(store),
    refreshAccounts: async () => [...cached],
    providers,
  };
  /** Gives more answers for windows yet to open. */
  const answer = (...more: ConsentAnswer[]) => answers.push(...more);
  return { store, deps, questions, request, clock, answer };
}

/** The stable code of a refusal, as the channel would answer it. */
export async function codeOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
  return 'no error';
}

/** A file as a content script's message carries it (base64 by Node, not by the code under test). */
export function wireFile(bytes: Uint8Array, described: { filename?: string; contentType?: string; md5?: string } = {}) {
  return {
    filename: described.filename ?? 'blob',
    contentType: described.contentType ?? 'application/octet-stream',
    size: bytes.length,
    base64: Buffer.from(bytes).toString('base64'),
    ...(described.md5 === undefined ? {} : { md5: described.md5 }),
  };
}

export const bytesOf = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());

/** SHA-256 of bytes, hex: compares large byte arrays fast (toEqual walks them element by element). */
export const sha256 = (bytes: Uint8Array | ArrayBuffer) =>
  createHash('sha256')
    .update(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes)
    .digest('hex');
