/**
 * Fuzzing every message handler of the extension's background through the
 * listeners entrypoints/background.ts registers (lib/messaging/page-channel.ts,
 * content-channel.ts, and dispatch in channel.ts): the page handlers (popup,
 * sites, options, consent window) and the content scripts' requestSignedAction,
 * with arbitrary parameters, the real ones mutated field by field, arbitrary
 * envelopes and arbitrary senders. The browser is faked at
 * webextension-polyfill, IndexedDB by fake-indexeddb, and the companion is the
 * in-process one of tests/support/companion-harness.ts (its dev provider
 * behind it), reached through the extension's own companion client; consent
 * windows are answered as the input says (once, always, deny, closed).
 *
 * Every answer must be a MessageResult: ok, or a stable code of
 * lib/messaging/result.ts, never `internal_error` (a TypeError or the like
 * thrown in a handler), nothing thrown out of the listener, nothing left
 * unhandled, and something both browsers' messaging can carry.
 */
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { refreshAccounts } from '../../lib/accounts/accounts';
import { consentDeps } from '../../lib/background/consent-deps';
import { contentHandlers } from '../../lib/background/content-handlers';
import { engineDeps } from '../../lib/background/flow-deps';
import { pageHandlers } from '../../lib/background/page-handlers';
import { handleConsentWindowClosed } from '../../lib/consent/consent-broker';
import { addQuestion } from '../../lib/consent/consent-questions';
import { grantSiteConsent } from '../../lib/consent/site-consents';
import { EXTENSION_OWN_ERROR_CODES } from '../../lib/errors/extension-error';
import { handleTabUrl, startConnect } from '../../lib/flows/flow-engine';
import { readState } from '../../lib/flows/flow-state';
import { contentMessageListener } from '../../lib/messaging/content-channel';
import { pageMessageListener } from '../../lib/messaging/page-channel';
import type { MessageResult } from '../../lib/messaging/result';
import { ERROR_CODES } from '../../lib/protocol';
import { writeSettings } from '../../lib/settings/extension-settings';
import { extensionStore } from '../../lib/storage/registry';
import { DEV_ORIGIN, makeHarness, PUBLIC_URL } from '../support/companion-harness';
import { fuzzRuns, fuzzSuite } from '../support/fuzz';
import { jsonText, mutated, mutationOf, nastyText, parsedValue } from '../support/fuzz-values';

const fake = vi.hoisted(() => ({
  ownId: 'our-extension-id',
  granted: new Set<string>(),
  nextTab: 100,
  nextWindow: 500,
  /** What the user does when a consent window opens (set per input). */
  onConsentWindow: (_questionId: string, _windowId: number): unknown => undefined,
}));

// The browser is the boundary: tabs, alarms, the badge, consent windows and host permissions, recorded or answered.
vi.mock('webextension-polyfill', () => ({
  default: {
    runtime: {
      id: fake.ownId,
      getURL: (path: string) => `chrome-extension://${fake.ownId}${path}`,
      getManifest: () => ({
        version: '0.1.0',
        host_permissions: ['http://127.0.0.1/*'],
        content_scripts: [{ matches: ['http://127.0.0.1/demo*'] }],
      }),
    },
    tabs: { create: async () => ({ id: ++fake.nextTab }), remove: async () => undefined },
    alarms: { create: async () => undefined, clear: async () => true },
    action: { setBadgeText: async () => undefined, setBadgeBackgroundColor: async () => undefined },
    windows: {
      create: async ({ url }: { url: string }) => {
        const id = ++fake.nextWindow;
        const question = new URL(url).searchParams.get('question') ?? '';
        setTimeout(() => void fake.onConsentWindow(question, id), 0);
        return { id };
      },
      remove: async () => undefined,
      update: async () => ({}),
    },
    permissions: {
      contains: async ({ origins }: { origins: string[] }) => origins.every((o) => fake.granted.has(o)),
      getAll: async () => ({ origins: [...fake.granted] }),
      remove: async () => true,
    },
  },
}));

const fuzz = fuzzSuite('extension messages');

/** Every code a MessageResult may carry (lib/messaging/result.ts), but internal_error: that one is a finding. */
const STABLE_CODES = new Set<string>(
  [...ERROR_CODES, ...EXTENSION_OWN_ERROR_CODES].filter((code) => code !== 'internal_error'),
);

type Harness = Awaited<ReturnType<typeof makeHarness>>;
let h: Harness;
const tally = { page: 0, content: 0, ok: 0, refused: new Map<string, number>() };

beforeAll(async () => {
  const unlimited = 1_000_000_000;
  h = await makeHarness({
    limits: {
      flowsPerMinute: unlimited,
      allFlowsPerMinute: unlimited,
      requestsPerMinute: unlimited,
      callsPerMinute: unlimited,
    },
  });
  // The extension's companion client fetches the in-process companion; anything else is unreachable.
  vi.stubGlobal('fetch', async (input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.startsWith(`${PUBLIC_URL}/`)) throw new TypeError(`fetch failed: no route to ${url}`);
    return h.app.request(url, init);
  });
});

afterAll(() => {
  vi.unstubAllGlobals();
  const refused = [...tally.refused.entries()].sort((a, b) => b[1] - a[1]);
  console.log(
    `fuzz: extension messages: ${tally.page} page and ${tally.content} content messages, ${tally.ok} answered ok; refused: ${refused.map(([code, n]) => `${code} ${n}`).join(', ')}`,
  );
});

/** Before each input: this companion, a short consent timeout, and the companion's clock now. */
async function freshSettings(): Promise<void> {
  h.clock.now = Date.now();
  await writeSettings(extensionStore(), { companionUrl: PUBLIC_URL, consentTimeoutSeconds: 5 });
}

// ---------------------------------------------------------------------------
// The world an input refers to, made real just before it is sent.

const LIVE = {
  account: '{account}',
  flow: '{flow}',
  pinFlow: '{pin-flow}',
  pin: '{pin}',
  question: '{question}',
  origin: '{origin}',
  sequence: '{sequence}',
} as const;

const SITE = 'https://site.example';
let lastSequence = 'no-sequence-yet';

/** An active account of this install, connected through the extension when there is none. */
async function liveAccount(): Promise<string> {
  const deps = await engineDeps();
  const known = (await refreshAccounts(deps)).find((a) => a.status === 'active');
  if (known) return known.id;
  const flow = await startConnect(deps, 'dev', 'callback');
  const { location } = await h.decide(flow.authorizeUrl, 'authorize', '1001');
  await handleTabUrl(deps, flow.tabId as number, location as string);
  const connected = (await readState(deps.store)).accounts.find((a) => a.status === 'active');
  if (!connected) throw new Error('could not connect an account for the fuzz inputs');
  return connected.id;
}

async function resolveLive(text: string): Promise<Record<string, string>> {
  const live: Record<string, string> = {};
  if (text.includes(LIVE.account) || text.includes(LIVE.question) || text.includes(LIVE.origin)) {
    live[LIVE.account] = await liveAccount();
  }
  if (text.includes(LIVE.flow)) live[LIVE.flow] = (await startConnect(await engineDeps(), 'dev', 'callback')).flowId;
  if (text.includes(LIVE.pinFlow) || text.includes(LIVE.pin)) {
    const flow = await startConnect(await engineDeps(), 'dev', 'oob');
    live[LIVE.pinFlow] = flow.flowId;
    live[LIVE.pin] = (await h.decide(flow.authorizeUrl, 'authorize', '1002')).pin ?? '0000000';
  }
  if (text.includes(LIVE.question)) {
    const id = crypto.randomUUID();
    await addQuestion(
      extensionStore(),
      {
        id,
        origin: `https://${id}.example`,
        provider: 'dev',
        providerName: 'Dev provider',
        accounts: [{ id: live[LIVE.account] as string, screenName: 'alice' }],
        method: 'POST',
        url: `${DEV_ORIGIN}/1.1/statuses/update.json`,
        form: [['status', 'hello']],
        json: null,
        hidden: { fields: 0, shortened: false },
        tabId: 1,
        kind: 'first-use',
        askedAt: Date.now(),
        expiresAt: Date.now() + 60_000,
        windowId: 7,
      },
      Date.now(),
    );
    live[LIVE.question] = id;
  }
  if (text.includes(LIVE.origin)) {
    await grantSiteConsent(extensionStore(), {
      origin: SITE,
      provider: 'dev',
      accountId: live[LIVE.account] as string,
      screenName: 'alice',
      confirmWrites: false,
      grantedAt: Date.now(),
      lastUsedAt: null,
    });
    live[LIVE.origin] = SITE;
  }
  if (text.includes(LIVE.sequence)) live[LIVE.sequence] = lastSequence;
  return live;
}

/** The params with their placeholders made real (and deep nesting written out). */
async function realParams(params: unknown): Promise<unknown> {
  if (params === undefined) return undefined;
  const text = jsonText(params);
  const live = await resolveLive(text);
  let real = text;
  for (const [placeholder, value] of Object.entries(live)) real = real.replaceAll(placeholder, value);
  return real === text ? parsedValue(params) : JSON.parse(real);
}

// ---------------------------------------------------------------------------
// Messages.

const plausible = fc.constantFrom(
  'dev',
  'x',
  'callback',
  'oob',
  'read',
  'write',
  'once',
  'always',
  'deny',
  'GET',
  'POST',
  LIVE.account,
  LIVE.flow,
  LIVE.question,
  LIVE.origin,
  SITE,
  'https://companion.example',
  'http://127.0.0.1:9',
  'http://localhost',
  'https://u:p@companion.example',
  `${DEV_ORIGIN}/1.1/`,
  `${DEV_ORIGIN}/2/media/upload`,
  'https://evil.example/1.1/x',
  5,
  240,
  241,
  true,
  ['status', 'hi'],
  ['oauth_token', 'x'],
  { filename: 'a.png', contentType: 'image/png', size: 3, base64: 'AAAA' },
  { filename: 'a.png', contentType: 'image/png', size: 4, base64: 'AAAA' },
  { filename: 'a.png', contentType: 'image/png', size: 3, base64: 'AAA=' },
  { filename: 'a"png', contentType: 'image/png', size: 3, base64: 'AAAA' },
  { filename: 'a.png', contentType: 'image/png; x=y', size: 3, base64: 'AAAA' },
  { filename: 'a.png', contentType: 'image/png', size: 21 * 1024 * 1024, base64: '' },
);
const mutation = mutationOf(plausible);
const anyParams = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, {}, [], '', 0, Object.create(null)) },
);

/** The real parameters of each page message, to be mutated. */
const PAGE_TEMPLATES: Readonly<Record<string, readonly unknown[]>> = {
  getState: [{}],
  listProviders: [{}],
  refreshAccounts: [{}],
  connect: [
    { provider: 'dev', mode: 'callback' },
    { provider: 'dev', mode: 'oob', access: 'read', forceLogin: true },
  ],
  reconnect: [{ accountId: LIVE.account }],
  submitPin: [
    { flowId: LIVE.pinFlow, pin: LIVE.pin },
    { flowId: LIVE.pinFlow, pin: ' 0000000 ' },
  ],
  cancelFlow: [{ flowId: LIVE.flow }],
  revoke: [{ accountId: LIVE.account }],
  revokeAll: [{}],
  revokeSite: [{ origin: LIVE.origin, accountId: LIVE.account }, { origin: LIVE.origin }],
  setSiteConfirmWrites: [{ origin: LIVE.origin, accountId: LIVE.account, confirmWrites: true }],
  clearActivity: [{}],
  getSettings: [{}],
  testCompanion: [{ companionUrl: 'https://companion.example' }],
  saveSettings: [{ companionUrl: 'https://companion.example', consentTimeoutSeconds: 60 }],
  forgetDevice: [{ force: false }, { force: true }],
  getConsentQuestion: [{ id: LIVE.question }],
  answerConsent: [
    { id: LIVE.question, decision: 'once', accountId: LIVE.account },
    { id: LIVE.question, decision: 'always', confirmWrites: true },
    { id: LIVE.question, decision: 'deny' },
  ],
};

/** How many inputs each page message gets at the default scale: those that reach the companion, more. */
const PAGE_RUNS: Readonly<Record<string, number>> = {
  connect: 60,
  reconnect: 50,
  submitPin: 50,
  cancelFlow: 50,
  revoke: 50,
  revokeAll: 20,
  forgetDevice: 30,
  answerConsent: 60,
  getConsentQuestion: 40,
  revokeSite: 40,
  setSiteConfirmWrites: 40,
  saveSettings: 50,
  testCompanion: 40,
};

const OWN_PAGES = ['popup.html', 'options.html', 'consent.html?question=x'].map(
  (page) => `chrome-extension://${fake.ownId}/${page}`,
);
const pageSender = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...OWN_PAGES).map((url) => ({ id: fake.ownId, url })) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      { id: fake.ownId, url: `${SITE}/page`, tab: { id: 7 }, frameId: 0 },
      { id: 'another-extension', url: `chrome-extension://another-extension/popup.html` },
      { id: fake.ownId },
      {},
      { id: fake.ownId, url: `chrome-extension://${fake.ownId}.evil.example/popup.html` },
    ),
  },
);

function paramsFor(name: string): fc.Arbitrary<unknown> {
  const templates = PAGE_TEMPLATES[name] ?? [{}];
  return fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...templates) },
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom(...templates), fc.array(mutation, { minLength: 1, maxLength: 3 }))
        .map(([template, changes]) => mutated(template, changes)),
    },
    { weight: 1, arbitrary: anyParams },
  );
}

/** What both browsers' messaging can carry back: Chrome serialises to JSON, Firefox clones. */
function expectCarried(result: unknown): void {
  expect(() => JSON.stringify(result)).not.toThrow();
  expect(() => structuredClone(result)).not.toThrow();
}

/** The answer of a listener: a MessageResult with a stable code, or nothing for another channel. */
async function expectResult(answer: Promise<unknown> | undefined, kind: 'page' | 'content'): Promise<void> {
  if (answer === undefined) return;
  let timer: NodeJS.Timeout | undefined;
  const result = (await Promise.race([
    answer,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer within 20 s')), 20_000);
    }),
  ]).finally(() => clearTimeout(timer))) as MessageResult<unknown>;
  tally[kind] += 1;
  expect(typeof result === 'object' && result !== null && typeof result.ok === 'boolean').toBe(true);
  expectCarried(result);
  if (result.ok) {
    tally.ok += 1;
    expect(Object.hasOwn(result, 'value')).toBe(true);
    return;
  }
  const { code, message } = result.error;
  tally.refused.set(code, (tally.refused.get(code) ?? 0) + 1);
  expect(typeof message).toBe('string');
  if (!STABLE_CODES.has(code)) throw new Error(`a ${kind} message was answered ${code}: ${message}`);
}

describe('page messages (popup, sites, options, consent window)', () => {
  const listener = pageMessageListener(pageHandlers);
  const names = Object.keys(pageHandlers);

  it('the table knows every message', () => {
    expect(Object.keys(PAGE_TEMPLATES).sort()).toEqual([...names].sort());
  });

  it.each(names)('%s: a MessageResult with a stable code, whatever its params and sender', async (name) => {
    await fuzz.property(
      fc.tuple(paramsFor(name), pageSender),
      async ([params, sender]) => {
        await freshSettings();
        const message = { channel: 'page→background', name, params: await realParams(params) };
        await expectResult(listener(message, sender as never), 'page');
      },
      fuzzRuns(PAGE_RUNS[name] ?? 20),
    );
  });

  it('envelopes of any shape: unknown names, other channels, prototype names, no envelope at all', async () => {
    const message = fc.oneof(
      fc.record({
        channel: fc.constantFrom('page→background', 'content→background', 'page->background', ''),
        name: fc.oneof(
          fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'getState ', ''),
          nastyText,
        ),
        params: anyParams,
      }),
      fc.anything(),
    );
    await fuzz.property(
      fc.tuple(message, pageSender),
      async ([message, sender]) => {
        await freshSettings();
        await expectResult(listener(message, sender as never), 'page');
      },
      fuzzRuns(150),
    );
  });
});

// ---------------------------------------------------------------------------
// Content scripts: requestSignedAction.

const SIGNED_ACTIONS: readonly unknown[] = [
  { provider: 'dev', method: 'GET', url: `${DEV_ORIGIN}/1.1/account/verify_credentials.json` },
  {
    provider: 'dev',
    method: 'POST',
    url: `${DEV_ORIGIN}/1.1/statuses/update.json`,
    form: [['status', 'hello']],
    accountId: LIVE.account,
  },
  {
    provider: 'dev',
    method: 'POST',
    url: `${DEV_ORIGIN}/2/tweets`,
    json: { text: 'hi' },
    headers: { accept: 'application/json' },
  },
  {
    provider: 'dev',
    method: 'POST',
    url: `${DEV_ORIGIN}/2/media/upload`,
    multipart: [
      { name: 'media', file: { filename: 'a.png', contentType: 'image/png', size: 3, base64: 'iVBO' } },
      { name: 'media_category', value: 'tweet_image' },
    ],
  },
  {
    provider: 'dev',
    method: 'POST',
    url: `${DEV_ORIGIN}/2/media/upload/initialize`,
    json: { media_type: 'video/mp4', total_bytes: 6, media_category: 'tweet_video' },
    sequence: {
      under: `${DEV_ORIGIN}/2/media/upload`,
      requests: 3,
      files: [{ filename: 'v.mp4', contentType: 'video/mp4', size: 6 }],
    },
  },
  {
    provider: 'dev',
    method: 'POST',
    url: `${DEV_ORIGIN}/2/media/upload/1/append`,
    inSequence: LIVE.sequence,
    multipart: [
      { name: 'segment_index', value: '0' },
      { name: 'media', file: { filename: 'v.mp4', contentType: 'video/mp4', size: 6, base64: 'AAAAAAAA' } },
    ],
  },
  { provider: 'dev', method: 'DELETE', url: `${DEV_ORIGIN}/2/tweets/1`, raw: undefined },
];

const CONTENT_SENDER = {
  id: fake.ownId,
  url: `${SITE}/compose?draft=1`,
  origin: SITE,
  frameId: 0,
  tab: { id: 7, url: `${SITE}/compose?draft=1` },
};
/** URLs a tab may be at: https, loopback http, plain http elsewhere, opaque ones, and ours. */
const senderUrl = fc.oneof(
  fc.constantFrom(
    `${SITE}/`,
    'https://SITE.example:443/x',
    'https://site.example.evil.test/',
    'http://site.example/',
    'http://127.0.0.1:3000/demo',
    'http://[::1]/',
    'data:text/html,hi',
    'blob:https://site.example/0b1c',
    'about:blank',
    'file:///etc/passwd',
    `chrome-extension://${fake.ownId}/popup.html`,
  ),
  fc.webUrl(),
);
const contentSender = fc.oneof(
  { weight: 6, arbitrary: fc.constant(CONTENT_SENDER) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom('http://127.0.0.1:3000', 'http://localhost', 'https://other.example', 'https://[::1]')
      .map((origin) => ({ ...CONTENT_SENDER, url: `${origin}/`, origin, tab: { id: 8, url: `${origin}/` } })),
  },
  // Any sender the browser could report: its members are the browser's (strings and numbers), their values anything.
  {
    weight: 3,
    arbitrary: fc.record(
      {
        id: fc.oneof(fc.constant(fake.ownId), fc.constant(`${fake.ownId} `), nastyText),
        url: fc.oneof(fc.constant(CONTENT_SENDER.url), senderUrl, nastyText),
        origin: fc.oneof(fc.constant(SITE), senderUrl, nastyText, fc.constant('null')),
        frameId: fc.oneof(fc.constant(0), fc.integer({ min: -1, max: 3 })),
        tab: fc.record(
          { id: fc.oneof(fc.constant(7), fc.integer({ min: -1, max: 9 })), url: fc.oneof(senderUrl, nastyText) },
          { requiredKeys: [] },
        ),
        documentId: nastyText,
      },
      { requiredKeys: [] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      { ...CONTENT_SENDER, origin: 'https://other.example' },
      { ...CONTENT_SENDER, frameId: 1 },
      { ...CONTENT_SENDER, tab: undefined },
      { ...CONTENT_SENDER, url: 'http://evil.example/', origin: 'http://evil.example', tab: { id: 7 } },
      { ...CONTENT_SENDER, url: 'data:text/html,hi', origin: undefined },
      { id: 'another-extension', url: `${SITE}/`, tab: { id: 7 }, frameId: 0 },
      {},
    ),
  },
);

/** What the user does in the consent window. */
const userAnswer = fc.constantFrom('once', 'always', 'deny', 'close');

describe('content scripts (requestSignedAction)', () => {
  const listener = contentMessageListener(contentHandlers);
  const pages = pageMessageListener(pageHandlers);

  it('a MessageResult with a stable code, whatever the request, sender and answer', async () => {
    const params = fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom(...SIGNED_ACTIONS) },
      {
        weight: 5,
        arbitrary: fc
          .tuple(fc.constantFrom(...SIGNED_ACTIONS), fc.array(mutation, { minLength: 1, maxLength: 3 }))
          .map(([template, changes]) => mutated(template, changes)),
      },
      { weight: 1, arbitrary: anyParams },
    );
    await fuzz.property(
      fc.record({ params, sender: contentSender, answer: userAnswer }),
      async ({ params, sender, answer }) => {
        await freshSettings();
        await liveAccount();
        fake.onConsentWindow = async (questionId, windowId) => {
          // The user's answer through the consent window's own message; one it refuses ends as a closed window.
          const own = { id: fake.ownId, url: OWN_PAGES[2] as string };
          const question = (await pages(
            { channel: 'page→background', name: 'getConsentQuestion', params: { id: questionId } },
            own as never,
          )) as MessageResult<{ accounts: { id: string }[] } | null>;
          const accountId = question.ok ? question.value?.accounts[0]?.id : undefined;
          const answered =
            answer === 'close'
              ? undefined
              : ((await pages(
                  {
                    channel: 'page→background',
                    name: 'answerConsent',
                    params: { id: questionId, decision: answer, ...(accountId ? { accountId } : {}) },
                  },
                  own as never,
                )) as MessageResult<{ accepted: boolean }>);
          if (!answered?.ok || !answered.value.accepted) await handleConsentWindowClosed(consentDeps(), windowId);
        };
        const message = {
          channel: 'content→background',
          name: 'requestSignedAction',
          params: await realParams(params),
        };
        const result = listener(message, sender as never);
        await expectResult(result, 'content');
        const settled = (await result) as MessageResult<{ sequence?: string }>;
        if (settled.ok && settled.value.sequence) lastSequence = settled.value.sequence;
      },
      fuzzRuns(600),
    );
  });

  it('envelopes of any shape, from any sender', async () => {
    await fuzz.property(
      fc.tuple(
        fc.oneof(
          fc.record({
            channel: fc.constantFrom('content→background', 'page→background'),
            name: fc.oneof(fc.constantFrom('requestSignedAction', '__proto__', 'constructor', ''), nastyText),
            params: anyParams,
          }),
          fc.anything(),
        ),
        contentSender,
      ),
      async ([message, sender]) => {
        await freshSettings();
        await expectResult(listener(message, sender as never), 'content');
      },
      fuzzRuns(100),
    );
  });
});
