/**
 * Fuzzing every route of the companion (lib/protocol/routes.ts) through the
 * in-process app and dev provider of tests/support/companion-harness.ts:
 * arbitrary JSON, real request bodies mutated field by field (wrong types,
 * huge strings, unicode, control characters, deep nesting, extra fields),
 * bodies that are not JSON, content types, path ids, queries, headers,
 * multipart uploads with parts of any name, order and size, and DPoP proofs
 * mutated or forged. Each input carries a valid proof (unless the proof is
 * what is fuzzed), so it reaches the route's own logic.
 *
 * Every answer must be one the OpenAPI document lists for its route and
 * status (tests/support/documented-answers.ts), never a 5xx, every error a
 * problem+json with its documented code, nothing logged as unexpected, and no
 * rejection left unhandled (tests/support/fuzz.ts).
 */
import { createHash, generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, Problem } from '../../lib/protocol';
import { ROUTES, type RouteContract } from '../../lib/protocol/routes';
import { DEV_ORIGIN, makeHarness, PUBLIC_URL } from '../support/companion-harness';
import { answered, checkDocumentedAnswer, routeFor } from '../support/documented-answers';
import { fuzzRuns, fuzzSuite } from '../support/fuzz';
import { jsonText, mutated, mutationOf, nastyText, nested, wrongValue } from '../support/fuzz-values';

const fuzz = fuzzSuite('companion routes');

type Harness = Awaited<ReturnType<typeof makeHarness>>;
let h: Harness;
/** What the companion logged at error level: an input that reaches `unexpected error` is a finding. */
const logged: { msg?: string; err?: unknown }[] = [];

beforeAll(async () => {
  const unlimited = 1_000_000_000;
  h = await makeHarness({
    photosProvider: {},
    logger: pino({ level: 'error' }, { write: (line: string) => void logged.push(JSON.parse(line)) }),
    limits: {
      flowsPerMinute: unlimited,
      allFlowsPerMinute: unlimited,
      requestsPerMinute: unlimited,
      callsPerMinute: unlimited,
    },
  });
});

afterAll(() => {
  // How far the inputs reached: each route, status and code answered at least once.
  console.log(`fuzz: companion routes: ${answered.size} distinct answers (route, status, code)`);
  if (process.env.FUZZ_VERBOSE) console.log([...answered].sort().join('\n'));
});

// ---------------------------------------------------------------------------
// The world an input refers to: ids that exist, made when an input asks for them.

/** Placeholders a generated path or body may hold; each is made real just before the call. */
const LIVE = {
  account: '{account}',
  photosAccount: '{photos-account}',
  flow: '{flow}',
  requestToken: '{request-token}',
  verifier: '{verifier}',
} as const;

interface Live {
  account?: string;
  photosAccount?: string;
  flow?: { flowId: string; requestToken: string; authorizeUrl: string };
  verifier?: string;
}

/** An active account of the default install at `provider`, connected again when an input revoked or spoilt it. */
async function activeAccount(provider: 'dev' | 'dev-photos'): Promise<string> {
  const known = (await h.store.listAccounts(h.install.installId)).find(
    (a) => a.provider === provider && a.status === 'active',
  );
  if (known) return known.id;
  return (await h.connect('1001', undefined, provider)).id;
}

async function resolveLive(text: string): Promise<Live> {
  const live: Live = {};
  if (text.includes(LIVE.account)) live.account = await activeAccount('dev');
  if (text.includes(LIVE.photosAccount)) live.photosAccount = await activeAccount('dev-photos');
  if (text.includes(LIVE.flow) || text.includes(LIVE.requestToken) || text.includes(LIVE.verifier)) {
    const created = await h.call('POST', '/v1/flows', { body: { provider: 'dev' } });
    live.flow = created.json as unknown as NonNullable<Live['flow']>;
    if (text.includes(LIVE.verifier)) {
      const { location } = await h.decide(live.flow.authorizeUrl, 'authorize', '1002');
      live.verifier = new URL(location as string).searchParams.get('oauth_verifier') ?? '';
    }
  }
  return live;
}

function substitute(text: string, live: Live): string {
  return text
    .replaceAll(LIVE.account, live.account ?? '')
    .replaceAll(LIVE.photosAccount, live.photosAccount ?? '')
    .replaceAll(LIVE.flow, live.flow?.flowId ?? '')
    .replaceAll(LIVE.requestToken, live.flow?.requestToken ?? '')
    .replaceAll(LIVE.verifier, live.verifier ?? '');
}

// ---------------------------------------------------------------------------
// Generated text and JSON.

/** Values of the right type that mean something elsewhere: other providers, modes, methods, ids. */
const plausible = fc.constantFrom(
  'x',
  'tumblr',
  'dev',
  'dev-photos',
  'callback',
  'oob',
  'read',
  'write',
  'admin',
  'GET',
  'post',
  'HEAD',
  LIVE.account,
  LIVE.photosAccount,
  LIVE.flow,
  LIVE.requestToken,
  `${DEV_ORIGIN}/1.1/`,
  `${DEV_ORIGIN}/2/media/upload`,
  `${DEV_ORIGIN}/upload/`,
  `${DEV_ORIGIN}.evil.test/1.1/x`,
  `${DEV_ORIGIN}/1.1/../oauth/access_token`,
  'http://127.0.0.1:1/1.1/x',
  'f0',
  'request',
  'image/png',
  'text/plain; charset=utf-8',
  'd41d8cd98f00b204e9800998ecf8427e',
  ['oauth_token', 'x'],
  ['status', 'hi'],
  { accept: 'application/json' },
  { 'x-smug-title': 'a' },
  { cookie: 'a=b' },
);

const mutation = mutationOf(plausible);
const anyValue = wrongValue(plausible);

/** A body text that is no JSON, or JSON in a shape no parser expects. */
const oddJsonText = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '{',
    '{"provider":',
    '[',
    'null',
    'true',
    '0',
    '-0',
    '1e999',
    'NaN',
    '"text"',
    '{"provider":"dev","provider":"x"}',
    '{"__proto__":{"provider":"dev"}}',
    '\ufeff{"provider":"dev"}',
    '{"provider":"dev"}\u0000',
    '{"provider":"dev"} trailing',
    "{'provider':'dev'}",
    '{"provider":"\\ud800"}',
    '{"a":1,}',
  ),
  fc
    .constantFrom(1000, 50_000, 120_000)
    .chain((depth) => fc.constantFrom(nested(depth, 'array'), nested(depth, 'object'))),
  nastyText,
);

// ---------------------------------------------------------------------------
// Requests.

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json;',
  'application/json ; x=y',
  'application/jsonx',
  'application/x-json',
  'text/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'multipart/form-data; boundary=abc',
  'application/problem+json',
  '*/*',
  '',
];

const headerName = fc.constantFrom(
  'accept',
  'accept-language',
  'origin',
  'referer',
  'cookie',
  'authorization',
  'x-forwarded-for',
  'x-forwarded-host',
  'forwarded',
  'x-real-ip',
  'x-http-method-override',
  'content-encoding',
  'content-language',
  'if-none-match',
  'x-custom',
);
/** Header values a client can send: Latin-1 without CR, LF or NUL. */
const headerValue = nastyText.map((text) =>
  text.replace(/[^\u0020-\u00ff\t]/g, (c) => String.fromCharCode((c.charCodeAt(0) & 0x5f) + 0x20)).trim(),
);
const extraHeaders = fc.dictionary(headerName, headerValue, { maxKeys: 3 });

/** A path id: real (a placeholder), well-formed, too long, or anything. */
const pathId = (real: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 3, arbitrary: real },
    { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/) },
    { weight: 1, arbitrary: fc.constantFrom('a'.repeat(65), 'x'.repeat(300), '-', '_', '0', 'me', 'requests') },
    { weight: 2, arbitrary: nastyText.filter((text) => text !== '') },
  );

/** A query string: none, empty, or pairs of anything (encoded or raw). */
const queryString = fc.oneof(
  { weight: 4, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constant('?') },
  {
    weight: 2,
    arbitrary: fc
      .array(
        fc.tuple(fc.oneof(fc.constantFrom('oauth_token', 'oauth_verifier', 'denied', 'a', ''), nastyText), nastyText),
        { maxLength: 4 },
      )
      .chain((pairs) =>
        fc.constantFrom(
          `?${new URLSearchParams(pairs.map(([n, v]) => [n.toWellFormed(), v.toWellFormed()])).toString()}`,
          `?${pairs.map(([n, v]) => `${n}=${v}`).join('&')}`,
        ),
      ),
  },
);

interface Plan {
  readonly method: string;
  /** The path with its ids, query and all, placeholders not yet made real. */
  readonly path: string;
  readonly headers: Record<string, string>;
  /** Text (JSON or not), or bytes (multipart), placeholders not yet made real; none for null. */
  readonly body: string | Uint8Array | null;
  /** The DPoP header: a valid proof for this request unless it says otherwise. */
  readonly proof?: ProofPlan;
}

/** The in-process app answers in milliseconds; one that takes this long will not answer at all. */
const ANSWER_DEADLINE_MS = 10_000;

interface Answer {
  readonly status: number;
  readonly type: string;
  readonly json: unknown;
}

/**
 * Sends a planned request as an install would, with a fresh proof for the
 * URL the companion will see, and holds the answer to the contract.
 */
async function send(plan: Plan): Promise<Answer> {
  // Placeholders are in paths and JSON bodies; a multipart body's bytes are sent as they are.
  const live = await resolveLive(`${plan.path} ${typeof plan.body === 'string' ? plan.body : ''}`);
  const path = substitute(plan.path, live);
  const body = typeof plan.body === 'string' ? substitute(plan.body, live) : plan.body;
  const url = new URL(path, PUBLIC_URL);
  const proof = await proofFor(plan.proof ?? { kind: 'valid' }, plan.method, `${PUBLIC_URL}${url.pathname}`);
  const headers = new Headers(plan.headers);
  if (proof !== null) headers.set('dpop', proof);
  const errorsBefore = logged.length;
  const where = `${plan.method} ${url.pathname}`;
  // An answer that never comes is a finding too (a request read to no end, a promise never settled).
  let timer: NodeJS.Timeout | undefined;
  const response = await Promise.race([
    h.app.request(url.href, { method: plan.method, headers, body: body as BodyInit | null }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${where}: no answer within ${ANSWER_DEADLINE_MS} ms`)),
        ANSWER_DEADLINE_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  await checkDocumentedAnswer(plan.method, url.pathname, response);
  const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
  const text = await response.text();
  const json = type.endsWith('json') ? JSON.parse(text) : undefined;
  expect(logged.slice(errorsBefore), `${where} logged an unexpected error`).toEqual([]);
  const route = routeFor(plan.method, url.pathname);
  // The one 5xx an input may earn: companion_busy (503) from a route that calls the provider, when the files it
  // declares do not fit the install's share of the answer budget. provider_error (502) and upstream_timeout
  // (504) would be the dev provider failing, which it does not.
  const busy =
    response.status === 503 &&
    route?.reachesProvider === true &&
    (json as { code?: string })?.code === 'companion_busy';
  if (response.status >= 500 && !busy) throw new Error(`${where} answered ${response.status}: ${text.slice(0, 300)}`);
  if (response.status >= 400) {
    expect(type, `${where} ${response.status}`).toBe('application/problem+json');
    const problem = Problem.parse(json);
    expect(ERROR_CODES).toContain(problem.code);
    expect(problem.status).toBe(response.status);
    if (route === undefined)
      expect(['not_found', 'dpop_missing', 'dpop_invalid', 'body_too_large']).toContain(problem.code);
  }
  return { status: response.status, type, json };
}

// ---------------------------------------------------------------------------
// Bodies, route by route: the real ones, to be mutated.

const TWEET = `${DEV_ORIGIN}/1.1/statuses/update.json`;
const BODY_TEMPLATES: Readonly<Record<string, readonly unknown[]>> = {
  createFlow: [
    { provider: 'dev' },
    { provider: 'dev', mode: 'oob', access: 'read' },
    { provider: 'dev', mode: 'callback', forceLogin: true, screenName: 'alice', accountId: LIVE.account },
    { provider: 'dev-photos', access: 'write' },
  ],
  completeFlow: [
    { oauthToken: LIVE.requestToken, oauthVerifier: LIVE.verifier },
    { oauthToken: LIVE.requestToken, oauthVerifier: 'wrong-verifier' },
    { oauthVerifier: '1234567' },
    { denied: LIVE.requestToken },
  ],
  proxyRequest: [
    { method: 'GET', url: `${DEV_ORIGIN}/1.1/account/verify_credentials.json` },
    { method: 'GET', url: `${DEV_ORIGIN}/1.1/account/verify_credentials.json`, query: [['a', 'b']] },
    { method: 'POST', url: TWEET, form: [['status', 'hello']], headers: { accept: 'application/json' } },
    { method: 'POST', url: `${DEV_ORIGIN}/2/tweets`, json: { text: 'hi', nested: [1, { a: null }] } },
    { method: 'DELETE', url: `${DEV_ORIGIN}/2/tweets/1`, headers: { 'if-match': '"x"' } },
    { method: 'PUT', url: `${DEV_ORIGIN}/1.1/elsewhere`, query: [['x', 'y']], form: [] },
    {
      method: 'POST',
      url: `${DEV_ORIGIN}/2/media/upload`,
      multipart: [
        { name: 'media', filename: 'a.png', contentType: 'image/png', file: 'f0', size: 3 },
        { name: 'media_category', value: 'tweet_image' },
      ],
    },
    { method: 'POST', url: `${DEV_ORIGIN}/upload/`, raw: { contentType: 'image/jpeg', file: 'f0', size: 3 } },
  ],
};

/** A body for a route: none, a real one mutated, arbitrary JSON, or text that is not JSON. */
function bodyFor(route: RouteContract): fc.Arbitrary<string | null> {
  const templates = BODY_TEMPLATES[route.operationId] ?? [{}];
  return fc.oneof(
    { weight: route.requestBody ? 1 : 4, arbitrary: fc.constant(null) },
    {
      weight: route.requestBody ? 2 : 0,
      arbitrary: fc.constantFrom(...templates).map((template) => JSON.stringify(template)),
    },
    {
      weight: route.requestBody ? 8 : 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...templates), fc.array(mutation, { minLength: 1, maxLength: 3 }))
        .map(([template, changes]) => jsonText(mutated(template, changes))),
    },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map(jsonText) },
    { weight: 2, arbitrary: oddJsonText },
  );
}

/** The path of a route, with generated ids for its parameters. */
function pathFor(route: RouteContract): fc.Arbitrary<string> {
  const names = Object.keys(route.pathParams ?? {});
  const real = (name: string) =>
    name === 'flowId'
      ? fc.constant(LIVE.flow)
      : route.operationId === 'proxyRequest'
        ? fc.constantFrom(LIVE.account, LIVE.photosAccount)
        : fc.constant(LIVE.account);
  return fc
    .tuple(...names.map((name) => pathId(real(name))))
    .map((ids) => names.reduce((path, name, i) => path.replace(`{${name}}`, ids[i] as string), route.path));
}

function planFor(route: RouteContract): fc.Arbitrary<Plan> {
  const bodyMethod = route.method !== 'GET';
  return fc
    .record({
      path: pathFor(route),
      query: queryString,
      body: bodyMethod ? bodyFor(route) : fc.constant(null),
      contentType: fc.oneof(
        { weight: 6, arbitrary: fc.constant('application/json') },
        { weight: 3, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
        { weight: 1, arbitrary: fc.constant(undefined) },
      ),
      headers: fc.oneof({ weight: 3, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: extraHeaders }),
    })
    .map(({ path, query, body, contentType, headers }) => ({
      method: route.method,
      path: `${path}${query}`,
      headers: { ...headers, ...(body !== null && contentType !== undefined ? { 'content-type': contentType } : {}) },
      body,
    }));
}

/** How many inputs each route gets at the default scale: the proxy and the flows have the most logic. */
const RUNS_BY_ROUTE: Readonly<Record<string, number>> = {
  listProviders: 120,
  createFlow: 350,
  completeFlow: 350,
  cancelFlow: 200,
  listAccounts: 120,
  revokeAccount: 200,
  proxyRequest: 800,
  forgetInstall: 100,
  callbackPage: 200,
  health: 100,
  metrics: 100,
  openApiDocument: 20,
};

describe('every route, with generated paths, queries, headers and bodies', () => {
  it('the table names every route of the contract', () => {
    expect(Object.keys(RUNS_BY_ROUTE).sort()).toEqual(ROUTES.map((route) => route.operationId).sort());
  });

  it.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s: documented answers only, no 5xx',
    async (_name, route) => {
      await fuzz.property(planFor(route), (plan) => send(plan), fuzzRuns(RUNS_BY_ROUTE[route.operationId] ?? 100));
    },
  );

  it('methods and paths no route serves: a documented problem, never a 5xx', async () => {
    const plan = fc
      .record({
        // HEAD is left out: its answer has no body to hold to the contract.
        method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
        path: fc.oneof(
          fc.constantFrom(...ROUTES.map((route) => route.path.replace(/\{[^}]+\}/g, LIVE.account))),
          fc.constantFrom('/', '/v1', '/v1/', '/v2/providers', '/v1/flows/', '/v1/accounts//requests', '/oauth'),
          nastyText.map((text) => `/v1/${text}`),
        ),
        body: fc.option(oddJsonText, { nil: null }),
      })
      .filter(({ method, body }) => !(body !== null && method === 'GET'));
    await fuzz.property(
      plan,
      ({ method, path, body }) =>
        send({ method, path, headers: body === null ? {} : { 'content-type': 'application/json' }, body }),
      fuzzRuns(150),
    );
  });
});

// ---------------------------------------------------------------------------
// Multipart uploads to the signing proxy.

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

interface PartPlan {
  readonly name: string;
  readonly filename?: string;
  readonly bytes: Uint8Array;
  readonly headers?: string;
}

/** A multipart body written by hand, so that it can also be wrong: boundaries, part headers, endings. */
function multipartBody(boundary: string, parts: readonly PartPlan[], ending: 'close' | 'none' | 'garbage'): Uint8Array {
  const chunks: Uint8Array[] = [];
  const text = (s: string) => chunks.push(new TextEncoder().encode(s));
  for (const part of parts) {
    text(`--${boundary}\r\n`);
    text(
      part.headers ??
        `Content-Disposition: form-data; name="${part.name}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}\r\n`,
    );
    text('\r\n');
    chunks.push(part.bytes);
    text('\r\n');
  }
  if (ending === 'close') text(`--${boundary}--\r\n`);
  if (ending === 'garbage') text(`--${boundary}-x\r\n--`);
  const total = chunks.reduce((sum, c) => sum + c.byteLength, 0);
  const body = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}

describe('multipart uploads (POST /v1/accounts/{accountId}/requests)', () => {
  const fileBytes = fc.oneof(
    { weight: 4, arbitrary: fc.uint8Array({ maxLength: 64 }) },
    { weight: 2, arbitrary: fc.constantFrom(0, 1, 4096, 70_000).map((size) => new Uint8Array(size).fill(0x2d)) },
    // Bytes that look like a boundary or its ending.
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('--fuzz\r\n', '\r\n--fuzz--\r\n', '--fuzz', '\r\n\r\n')
        .map((s) => new TextEncoder().encode(s)),
    },
  );
  const fileName = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('f0', 'f1', 'f2', 'media') },
    { weight: 1, arbitrary: fc.constantFrom('request', '', 'a'.repeat(65)) },
    { weight: 1, arbitrary: nastyText },
  );

  const upload = fc.record({
    files: fc.array(fc.record({ part: fileName, bytes: fileBytes }), { minLength: 0, maxLength: 4 }),
    /** Declared as the request says: right, or another size, or another MD5, or another part. */
    declare: fc.array(fc.constantFrom('right', 'size', 'md5', 'no-md5', 'part', 'undeclared'), {
      minLength: 4,
      maxLength: 4,
    }),
    raw: fc.boolean(),
    order: fc.oneof(
      { weight: 6, arbitrary: fc.constant('request-first') },
      { weight: 1, arbitrary: fc.constantFrom('request-last', 'request-twice', 'no-request', 'shuffled') },
    ),
    shuffle: fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
    account: fc.constantFrom(LIVE.account, LIVE.photosAccount, 'no-such-account'),
    requestChanges: fc.oneof(
      { weight: 3, arbitrary: fc.constant([]) },
      { weight: 1, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 2 }) },
    ),
    boundary: fc.oneof(
      { weight: 5, arbitrary: fc.constant('fuzz') },
      { weight: 1, arbitrary: fc.constantFrom('', 'a'.repeat(71), 'x y', '"quoted"', 'é') },
    ),
    contentType: fc.oneof(
      { weight: 5, arbitrary: fc.constant('multipart/form-data; boundary={b}') },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'multipart/form-data; boundary="{b}"',
          'MULTIPART/FORM-DATA; BOUNDARY={b}',
          'multipart/form-data;boundary={b}; charset=utf-8',
          'multipart/form-data; boundary=other',
          'multipart/form-data;',
          'multipart/mixed; boundary={b}',
        ),
      },
    ),
    ending: fc.oneof(
      { weight: 8, arbitrary: fc.constant('close' as const) },
      { weight: 1, arbitrary: fc.constantFrom('none' as const, 'garbage' as const) },
    ),
    oddHeaders: fc.option(
      fc.constantFrom(
        'Content-Type: text/plain\r\n',
        'Content-Disposition: form-data\r\n',
        'Content-Disposition: attachment; name="f0"\r\n',
        "Content-Disposition: form-data; name*=UTF-8''f0\r\n",
        'Content-Disposition: form-data; name="f0"; filename="a\r\nb"\r\n',
        `X-Long: ${'a'.repeat(9000)}\r\n`,
      ),
      { nil: undefined, freq: 12 },
    ),
  });

  it('parts of any name, order, size and declaration: documented answers only, no 5xx', async () => {
    await fuzz.property(
      upload,
      async (input) => {
        const files = input.files.map((f) => ({ part: f.part, bytes: f.bytes, md5: md5(f.bytes) }));
        const declared = files.flatMap((file, i) => {
          const how = input.declare[i];
          if (how === 'undeclared') return [];
          return [
            {
              file: how === 'part' ? `${file.part}x` : file.part,
              size: how === 'size' ? file.bytes.byteLength + 1 : file.bytes.byteLength,
              ...(how === 'no-md5' ? {} : { md5: how === 'md5' ? md5(new Uint8Array([1])) : file.md5 }),
            },
          ];
        });
        const [first, ...others] = declared;
        // To the provider's own upload URLs: Flickr's and SmugMug's for dev-photos, X's for dev (which takes no raw body).
        const photos = input.account === LIVE.photosAccount;
        const request =
          input.raw && first && others.length === 0
            ? {
                method: 'POST',
                url: `${DEV_ORIGIN}/${photos ? 'upload/' : '2/media/upload'}`,
                raw: { contentType: 'image/jpeg', ...first },
              }
            : {
                method: 'POST',
                url: `${DEV_ORIGIN}/${photos ? 'services/upload/' : '2/media/upload'}`,
                multipart: [
                  ...declared.map((file, i) => ({
                    name: i === 0 ? 'media' : `media${i}`,
                    filename: 'a.png',
                    contentType: 'image/png',
                    ...file,
                  })),
                  { name: 'media_category', value: 'tweet_image' },
                ],
              };
        const requestPart: PartPlan = {
          name: 'request',
          bytes: new TextEncoder().encode(jsonText(mutated(request, input.requestChanges))),
        };
        const fileParts: PartPlan[] = files.map((file, i) => ({
          name: file.part,
          filename: 'blob',
          bytes: file.bytes,
          ...(i === 0 && input.oddHeaders ? { headers: input.oddHeaders } : {}),
        }));
        let parts: PartPlan[];
        if (input.order === 'request-first') parts = [requestPart, ...fileParts];
        else if (input.order === 'request-last') parts = [...fileParts, requestPart];
        else if (input.order === 'request-twice') parts = [requestPart, ...fileParts, requestPart];
        else if (input.order === 'no-request') parts = fileParts;
        else {
          parts = [requestPart, ...fileParts];
          for (let i = parts.length - 1; i > 0; i--) {
            const j = (input.shuffle[i] ?? 0) % (i + 1);
            [parts[i], parts[j]] = [parts[j] as PartPlan, parts[i] as PartPlan];
          }
        }
        await send({
          method: 'POST',
          path: `/v1/accounts/${input.account}/requests`,
          headers: { 'content-type': input.contentType.replaceAll('{b}', input.boundary) },
          body: multipartBody(input.boundary, parts, input.ending),
        });
      },
      fuzzRuns(500),
    );
  });
});

// ---------------------------------------------------------------------------
// DPoP proofs (server/dpop/verify-proof.ts), mutated and forged.

/** A key of our own, so that proofs with any header and claims can be signed. */
const forger = (() => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  return { privateKey, jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } };
})();
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
function signed(headerText: string, payloadText: string, key: KeyObject = forger.privateKey): string {
  const input = `${b64(headerText)}.${b64(payloadText)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

type ProofPlan =
  | { kind: 'valid' }
  | { kind: 'none' }
  | { kind: 'raw'; text: string }
  | { kind: 'edit'; at: number; edit: 'flip' | 'cut' | 'pad' | 'space' | 'comma' | 'double' | 'case' }
  | {
      kind: 'forged';
      header: Record<string, unknown>;
      claims: Record<string, unknown>;
      twist: 'none' | 'other-key' | 'duplicate-htu';
    };

/** A proof for a request, as the plan says: the install's own, broken, or forged with our key. */
async function proofFor(plan: ProofPlan, method: string, url: string): Promise<string | null> {
  const iat = Math.floor(h.clock.now / 1000);
  if (plan.kind === 'none') return null;
  if (plan.kind === 'raw') return plan.text;
  if (plan.kind === 'valid') return h.install.proof(method, url, { iat });
  if (plan.kind === 'edit') {
    const proof = await h.install.proof(method, url, { iat });
    const at = plan.at % proof.length;
    const swap = (c: string) => (c === 'A' ? 'B' : c === '.' ? '_' : 'A');
    switch (plan.edit) {
      case 'flip':
        return proof.slice(0, at) + swap(proof[at] as string) + proof.slice(at + 1);
      case 'cut':
        return proof.slice(0, at);
      case 'pad':
        return proof.replace('.', '=.');
      case 'space':
        return `${proof.slice(0, at)} ${proof.slice(at)}`;
      case 'comma':
        return `${proof}, ${proof}`;
      case 'double':
        return `${proof}.${proof}`;
      case 'case':
        return proof.slice(0, at) + proof.slice(at).toUpperCase();
    }
  }
  const claims: Record<string, unknown> = { htm: method, htu: url, iat, jti: randomUUID(), ...plan.claims };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  const header: Record<string, unknown> = { typ: 'dpop+jwt', alg: 'ES256', jwk: forger.jwk, ...plan.header };
  for (const [name, value] of Object.entries(header)) if (value === undefined) delete header[name];
  let payloadText = jsonText(substituteClaims(claims, method, url, iat));
  if (plan.twist === 'duplicate-htu') payloadText = payloadText.replace(/^\{/, `{"htu":"${PUBLIC_URL}/elsewhere",`);
  return signed(jsonText(header), payloadText, plan.twist === 'other-key' ? other.privateKey : undefined);
}

/** Claims given relative to the request (`{method}`, `{url}`, `{iat±n}`) made real. */
function substituteClaims(claims: Record<string, unknown>, method: string, url: string, iat: number) {
  const real = (value: unknown): unknown => {
    if (typeof value !== 'string') return value;
    if (value === '{method-lower}') return method.toLowerCase();
    const shift = /^\{iat([+-]\d+)\}$/.exec(value);
    if (shift) return iat + Number(shift[1]);
    return value.replaceAll('{url}', url).replaceAll('{host}', new URL(url).host);
  };
  return Object.fromEntries(Object.entries(claims).map(([name, value]) => [name, real(value)]));
}

const proofPlan: fc.Arbitrary<ProofPlan> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(nastyText, fc.constantFrom('a.b.c', '..', 'e30.e30.', 'Bearer x', 'x'.repeat(5000)))
      .map((text) => ({ kind: 'raw' as const, text: text.replace(/[^\u0020-\u00ff]/g, '.').trim() })),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      at: fc.nat(),
      edit: fc.constantFrom('flip', 'cut', 'pad', 'space', 'comma', 'double', 'case'),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('forged' as const),
      header: fc.dictionary(
        fc.constantFrom('typ', 'alg', 'jwk', 'crit', 'b64', 'kid'),
        fc.oneof(
          fc.constantFrom(
            undefined,
            'dpop+jwt',
            'DPOP+JWT',
            'jwt',
            'ES256',
            'es256',
            'RS256',
            'none',
            'HS256',
            ['exp'],
            false,
          ),
          fc.constantFrom(
            { ...forger.jwk, d: 'AAAA' },
            { ...forger.jwk, crv: 'P-384' },
            { ...forger.jwk, kty: 'RSA' },
            { ...forger.jwk, x: `${forger.jwk.x}=` },
            { ...forger.jwk, y: (forger.jwk.y as string).slice(1) },
            { kty: 'EC', crv: 'P-256' },
            'jwk',
            null,
          ),
          anyValue,
        ),
        { maxKeys: 2 },
      ),
      claims: fc.dictionary(
        fc.constantFrom('htm', 'htu', 'iat', 'jti', 'exp', 'nbf'),
        fc.oneof(
          fc.constantFrom(
            undefined,
            '{method-lower}',
            'POST',
            'GET',
            '{url}?query=1',
            '{url}#fragment',
            '{url}/',
            'http://user@{host}/v1/providers',
            'http://2130706433/v1/providers',
            'HTTP://COMPANION.TEST/v1/providers',
            '{url} ',
            ' {url}',
            'https://companion.test/v1/providers',
            'http://companion.test:80/v1/providers',
            'http://companion.test/V1/PROVIDERS',
            '{iat+61}',
            '{iat-61}',
            '{iat+59}',
            '{iat-1000000}',
            'short',
            'x'.repeat(129),
            'y'.repeat(128),
          ),
          anyValue,
        ),
        { maxKeys: 3 },
      ),
      twist: fc.constantFrom('none', 'none', 'other-key', 'duplicate-htu'),
    }),
  },
);

describe('DPoP proofs, missing, mutated and forged', () => {
  it('answer only dpop_* 401s, unless the proof is in fact valid, and never a 5xx', async () => {
    const target = fc.constantFrom(
      { method: 'GET', path: '/v1/providers' },
      { method: 'GET', path: '/v1/accounts' },
      { method: 'DELETE', path: '/v1/flows/no-such-flow' },
      { method: 'POST', path: '/v1/flows/no-such-flow/complete' },
    );
    await fuzz.property(
      fc.tuple(target, proofPlan),
      async ([{ method, path }, proof]) => {
        const body = method === 'POST' ? JSON.stringify({ oauthVerifier: 'v' }) : null;
        const answer = await send({
          method,
          path,
          headers: body ? { 'content-type': 'application/json' } : {},
          body,
          proof,
        });
        const code = (answer.json as { code?: string } | undefined)?.code;
        if (answer.status === 401) expect(code).toMatch(/^dpop_/);
        // A proof whose bytes were changed, or that is not the install's, never passes.
        // (Not a flip of the signature's last character, whose four low bits are unused; not a space in
        // front, which HTTP trims; not upper case, which may change nothing.)
        const broken =
          proof.kind === 'none' ||
          proof.kind === 'raw' ||
          (proof.kind === 'edit' && ['cut', 'pad', 'comma', 'double'].includes(proof.edit)) ||
          (proof.kind === 'forged' && proof.twist !== 'none');
        if (broken) expect(answer.status, JSON.stringify(answer.json)).toBe(401);
      },
      fuzzRuns(700),
    );
  });
});
