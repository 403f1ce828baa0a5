import { createHash, randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { beforeEach, describe, expect, it } from 'vitest';
import { proxyEnvelope } from '../../../server/http/proxy-envelope';
import { AnswerBudget } from '../../../server/upstream/answer-budget';
import { makeHarness } from '../../support/companion-harness';
import { checkDocumentedAnswer } from '../../support/documented-answers';
import { makeInstall } from '../../support/dpop';
import { connectAtStub, stubProvider, withTokenEndpoints } from '../support/stub-provider';

const API = 'https://api.discogs.com';

/** Bodies of every kind the envelope must carry intact, and what each should travel as. */
const KINDS = {
  plain: { type: 'text/plain; charset=utf-8', body: Buffer.from('Björk – ☃ "quoted" \\ back\tslash\r\n'.repeat(50)) },
  json: { type: 'application/json', body: Buffer.from(JSON.stringify({ a: ['"', '\\', 'ü', '😀'] })) },
  control: { type: 'text/plain', body: Buffer.alloc(70_000, 0x01) },
  invalidUtf8: { type: 'text/plain; charset=utf-8', body: Buffer.from([0x61, 0xff, 0xfe, 0x62, 0xc3]) },
  binary: { type: 'image/jpeg', body: randomBytes(200_001) },
  // Larger than one envelope piece, with a multi-byte character across every piece boundary.
  longText: { type: 'text/plain', body: Buffer.from('aé'.repeat(80_000)) },
  empty: { type: 'text/plain', body: Buffer.alloc(0) },
  // A byte order mark is part of the body: a decoder that drops it would send 3 bytes fewer than announced.
  bom: { type: 'application/json', body: Buffer.from('\uFEFF{"ok":true}') },
} as const;
type Kind = keyof typeof KINDS;

function blobsProvider() {
  const app = withTokenEndpoints(new Hono(), '/oauth', { token: 'blobs-token', tokenSecret: 'blobs-token-secret' })
    .get('/oauth/identity', (c) => c.json({ id: 9, username: 'blobby' }))
    .get('/blob/:kind', (c) => {
      const kind = KINDS[c.req.param('kind') as Kind];
      return c.body(new Uint8Array(kind.body), 200, { 'content-type': kind.type });
    });
  return { provider: stubProvider('blobs-consumer-secret', { id: 'discogs' }), fetch: (r: Request) => app.fetch(r) };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let h: Awaited<ReturnType<typeof makeHarness>>;
let budget: AnswerBudget;
beforeEach(async () => {
  budget = new AnswerBudget(1024 * 1024, 512 * 1024);
  h = await makeHarness({ extraProviders: [blobsProvider()], answerBudget: budget });
});

/** The proxied answer as raw HTTP: the route's bytes, before any JSON parsing. */
async function fetchBlob(accountId: string, kind: Kind, as = h.install) {
  const path = `/v1/accounts/${accountId}/requests`;
  const proof = await as.proof('POST', `http://companion.test${path}`, { iat: Math.floor(h.clock.now / 1000) });
  return h.app.request(path, {
    method: 'POST',
    headers: { dpop: proof, 'content-type': 'application/json' },
    body: JSON.stringify({ method: 'GET', url: `${API}/blob/${kind}` }),
  });
}

describe('the proxy envelope carries every body intact, never much larger than the body', () => {
  it.each(Object.keys(KINDS) as Kind[])('%s', async (kind) => {
    const account = await connectAtStub(h, 'discogs');
    const response = await fetchBlob(account.id, kind);
    // The hand-written envelope is the documented ProxyResponse, member for member.
    await checkDocumentedAnswer('POST', `/v1/accounts/${account.id}/requests`, response);
    expect(response.status).toBe(200);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(Number(response.headers.get('content-length'))).toBe(bytes.byteLength);
    const answer = JSON.parse(new TextDecoder().decode(bytes)) as { body: string; bodyEncoding: string };
    const sent = KINDS[kind].body;
    const received = answer.bodyEncoding === 'base64' ? Buffer.from(answer.body, 'base64') : Buffer.from(answer.body);
    expect(sha256(received)).toBe(sha256(sent));
    // Text that JSON would blow up (control characters), or that is not UTF-8, travels as base64.
    const expected = ['control', 'invalidUtf8', 'binary'].includes(kind) ? 'base64' : 'utf8';
    expect(answer.bodyEncoding).toBe(expected);
    // The envelope: the body's encoded size (base64 4/3, or text plus its escapes) and a small head.
    expect(bytes.byteLength).toBeLessThan(Math.ceil(sent.byteLength / 3) * 4 + 600);
    expect(budget.inUse).toBe(0);
  });
});

describe('the answer budget', () => {
  it('refuses an answer it cannot hold with companion_busy and Retry-After, and serves it once memory is free', async () => {
    const account = await connectAtStub(h, 'discogs');
    const others = [budget.open('install-b'), budget.open('install-c')];
    others[0]?.ensure(budget.perHolderBytes);
    others[1]?.ensure(budget.capacityBytes - budget.perHolderBytes - 100_000);
    const refused = await fetchBlob(account.id, 'binary');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(await refused.json()).toMatchObject({ code: 'companion_busy', status: 503 });
    // A small answer still fits beside the other install's.
    expect((await fetchBlob(account.id, 'plain')).status).toBe(200);
    for (const other of others) other.release();
    const served = await fetchBlob(account.id, 'binary');
    expect(served.status).toBe(200);
    await served.arrayBuffer();
    expect(budget.inUse).toBe(0);
  });

  it('holds an answer until its envelope has been read, and gives it back when the client goes away', async () => {
    const account = await connectAtStub(h, 'discogs');
    const response = await fetchBlob(account.id, 'binary');
    expect(budget.inUse).toBe(KINDS.binary.body.byteLength);
    // Operators see it: the gauge of bytes held.
    expect(await h.metrics.registry.getSingleMetricAsString('companion_answer_budget_bytes')).toContain(
      `companion_answer_budget_bytes ${KINDS.binary.body.byteLength}`,
    );
    const reader = response.body?.getReader();
    await reader?.read();
    expect(budget.inUse).toBe(KINDS.binary.body.byteLength);
    await reader?.cancel();
    expect(budget.inUse).toBe(0);
  });

  it('gives an answer back when its client stops reading it before the deadline', async () => {
    const own = budget.open('reader');
    own.ensure(200_001);
    const response = proxyEnvelope(
      { status: 200, headers: { 'content-type': 'image/jpeg' }, body: KINDS.binary.body, release: () => own.release() },
      100,
    );
    const reader = response.body?.getReader();
    await reader?.read();
    expect(budget.inUse).toBe(200_001);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(budget.inUse).toBe(0);
    await expect(reader?.read()).rejects.toThrow(/did not read the answer in time/);
  });

  it('lets one install hold only its share, so others are still served', async () => {
    const account = await connectAtStub(h, 'discogs');
    // Two unread 200 kB answers (400 kB) are within this install's 512 kB share; a third is not.
    const held = [await fetchBlob(account.id, 'binary'), await fetchBlob(account.id, 'binary')];
    expect((await fetchBlob(account.id, 'binary')).status).toBe(503);
    const neighbour = await makeInstall();
    const theirs = await connectAtStub(h, 'discogs', neighbour);
    expect((await fetchBlob(theirs.id, 'binary', neighbour)).status).toBe(200);
    for (const response of held) await response.body?.cancel();
    expect((await fetchBlob(account.id, 'binary')).status).toBe(200);
  });
});
