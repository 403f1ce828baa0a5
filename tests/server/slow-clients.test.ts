/**
 * Slow clients cannot hold the companion (the adversarial run held 2,000
 * half-sent requests for minutes under Node's defaults): a request whose
 * headers or body do not arrive in time loses its connection, and a body the
 * companion refuses unread closes the connection after the answer.
 */
import { connect, type Socket } from 'node:net';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, SLOW_CLIENT_LIMITS } from '../../server/listen';
import { makeHarness } from '../support/companion-harness';
import { freePort } from '../support/free-port';

const limits = { headersTimeoutMs: 400, requestTimeoutMs: 900, checkIntervalMs: 100 };
let server: Awaited<ReturnType<typeof listen>>;
let port: number;
let appServer: Awaited<ReturnType<typeof listen>>;
let appPort: number;

beforeAll(async () => {
  port = await freePort();
  // A body cut off by the limit rejects the read: answered quietly, as the companion's app would.
  const app = new Hono().post('/echo', async (c) => c.text(await c.req.text())).onError((_e, c) => c.text('', 400));
  server = await listen(
    app.fetch,
    { who: 'the test', port, host: '127.0.0.1', portVariable: 'PORT', hostVariable: 'HOST' },
    limits,
  );
  // The companion's own app, with its default limits, for the 413 case.
  const h = await makeHarness();
  appPort = await freePort();
  appServer = await listen(h.app.fetch, {
    who: 'the companion',
    port: appPort,
    host: '127.0.0.1',
    portVariable: 'PORT',
    hostVariable: 'HOST',
  });
});
afterAll(() => {
  server?.close();
  appServer?.close();
});

/** A raw connection, and when it was closed by the server (ms after opening), with what it received. */
function rawConnection(target: number, send: string) {
  const socket: Socket = connect(target, '127.0.0.1');
  const opened = performance.now();
  let received = '';
  socket.on('data', (chunk) => {
    received += chunk.toString();
  });
  socket.write(send);
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(performance.now() - opened)));
  socket.on('error', () => undefined);
  return { socket, closed, received: () => received };
}

describe('slow clients', () => {
  it('the companion listens with limits of seconds, not minutes (two for a whole upload)', () => {
    expect(SLOW_CLIENT_LIMITS.headersTimeoutMs).toBeLessThanOrEqual(10_000);
    expect(SLOW_CLIENT_LIMITS.requestTimeoutMs).toBeLessThanOrEqual(120_000);
    expect(SLOW_CLIENT_LIMITS.checkIntervalMs).toBeLessThanOrEqual(1_000);
    expect(appServer.listening).toBe(true);
  });

  it('drops a request whose headers never finish', async () => {
    const slow = rawConnection(port, 'POST /echo HTTP/1.1\r\nHost: x\r\n');
    const after = await slow.closed;
    expect(after).toBeLessThan(limits.headersTimeoutMs + 1_000);
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408|^$/);
  });

  it('drops a request whose body never finishes', async () => {
    const slow = rawConnection(port, 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly a part');
    const after = await slow.closed;
    expect(after).toBeLessThan(limits.requestTimeoutMs + 1_000);
  });

  it('still serves a client that is on time', async () => {
    const fine = rawConnection(
      port,
      'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello',
    );
    await fine.closed;
    expect(fine.received()).toMatch(/^HTTP\/1\.1 200[\s\S]*hello$/);
  });

  it('closes the connection after refusing a body too large, so nothing of it is read as a next request', async () => {
    const body = 'x'.repeat(300 * 1024);
    const big = rawConnection(
      appPort,
      `POST /v1/flows HTTP/1.1\r\nHost: companion.test\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    await big.closed;
    expect(big.received()).toMatch(/^HTTP\/1\.1 413/);
    expect(big.received().toLowerCase()).toContain('connection: close');
  });
});
