import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompanionError } from '../../../server/errors';
import { AnswerBudget, type AnswerReservation } from '../../../server/upstream/answer-budget';
import { undiciTransport } from '../../../server/upstream/transport';
import { freePort } from '../../support/free-port';

let server: Server;
let origin: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/redirect') {
      response.writeHead(302, { location: 'http://evil.example/' }).end();
    } else if (request.url === '/slow') {
      setTimeout(() => response.end('late'), 2_000);
    } else if (request.url === '/drip') {
      // A byte every 200 ms: each chunk is in time, the whole answer is not.
      response.writeHead(200);
      const timer = setInterval(() => response.write('x'), 200);
      response.on('close', () => clearInterval(timer));
    } else if (request.url === '/big-declared') {
      response.writeHead(200, { 'content-length': '5000' }).end('x'.repeat(5000));
    } else if (request.url === '/big-chunked') {
      response.writeHead(200);
      for (let i = 0; i < 10; i++) response.write('x'.repeat(500));
      response.end();
    } else if (request.url === '/repeated') {
      response.setHeader('Set-Cookie', ['a=1', 'b=2']);
      response.setHeader('X-Mixed-Case', 'kept');
      response.end();
    } else {
      response.writeHead(200, { 'content-type': 'text/plain', 'x-echo': request.headers.authorization ?? '' });
      response.end(`${request.method} ${request.url}`);
    }
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const send = (
  path: string,
  overrides: { timeoutMs?: number; maxResponseBytes?: number; reservation?: AnswerReservation } = {},
) =>
  undiciTransport()({
    method: 'GET',
    url: `${origin}${path}`,
    headers: { authorization: 'OAuth x' },
    body: null,
    timeoutMs: overrides.timeoutMs ?? 1000,
    maxResponseBytes: overrides.maxResponseBytes ?? 1024,
    reservation: overrides.reservation ?? new AnswerBudget(1024 * 1024).open('test'),
  });

async function codeOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CompanionError);
  return (error as CompanionError).code;
}

describe('undiciTransport over a real socket', () => {
  it('sends the request and returns status, headers and body', async () => {
    const answer = await send('/hello?x=1');
    expect(answer.status).toBe(200);
    expect(new TextDecoder().decode(answer.body)).toBe('GET /hello?x=1');
    expect(answer.headers.get('x-echo')).toBe('OAuth x');
  });

  it('reads headers by any case, a repeated one joined as web Headers joins it', async () => {
    const answer = await send('/repeated');
    expect(answer.headers.get('X-MIXED-CASE')).toBe('kept');
    expect(answer.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(answer.headers.get('absent')).toBeNull();
    const seen: [string, string][] = [];
    answer.headers.forEach((value, name) => {
      seen.push([name, value]);
    });
    expect(seen).toContainEqual(['x-mixed-case', 'kept']);
    expect(seen.filter(([name]) => name === 'set-cookie')).toEqual([['set-cookie', 'a=1, b=2']]);
  });

  it('never follows a redirect', async () => {
    const answer = await send('/redirect');
    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toBe('http://evil.example/');
  });

  it('gives up after the timeout (upstream_timeout)', async () => {
    expect(await codeOf(send('/slow', { timeoutMs: 100 }))).toBe('upstream_timeout');
  });

  it('gives up at the deadline even when the answer keeps trickling in', async () => {
    const started = performance.now();
    expect(await codeOf(send('/drip', { timeoutMs: 500 }))).toBe('upstream_timeout');
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('refuses answers over the size cap, declared or streamed (upstream_too_large)', async () => {
    expect(await codeOf(send('/big-declared'))).toBe('upstream_too_large');
    expect(await codeOf(send('/big-chunked'))).toBe('upstream_too_large');
  });

  it('accounts an answer in its reservation, and refuses one the budget cannot hold (companion_busy)', async () => {
    const budget = new AnswerBudget(4000);
    const held = budget.open('a');
    await send('/hello', { reservation: held });
    expect(held.bytes).toBe('GET /hello'.length);
    expect(budget.inUse).toBe(held.bytes);
    // Declared (refused before reading) and streamed (refused part-way): both give back what they took.
    for (const path of ['/big-declared', '/big-chunked']) {
      const refused = budget.open('b');
      expect(await codeOf(send(path, { maxResponseBytes: 10_000, reservation: refused }))).toBe('companion_busy');
      refused.release();
      expect(budget.inUse).toBe(held.bytes);
    }
    held.release();
    expect(budget.inUse).toBe(0);
    const fits = new AnswerBudget(5000).open('c');
    expect((await send('/big-chunked', { maxResponseBytes: 10_000, reservation: fits })).body.byteLength).toBe(5000);
  });

  it('reports an unreachable host as provider_error', async () => {
    const port = await freePort();
    const unreachable = undiciTransport()({
      method: 'GET',
      url: `http://127.0.0.1:${port}/`,
      headers: {},
      body: null,
      timeoutMs: 1000,
      maxResponseBytes: 1024,
      reservation: new AnswerBudget(1024).open('test'),
    });
    expect(await codeOf(unreachable)).toBe('provider_error');
  });
});
