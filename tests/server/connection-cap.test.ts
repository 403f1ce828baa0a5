/**
 * One client address cannot hold more than its share of connections
 * (CONNECTIONS_PER_ADDRESS): the connection over the cap gets a 429 problem
 * and is closed; a freed slot is usable again; loopback is left alone by
 * default, since a reverse proxy on this machine carries everyone's.
 */
import { connect, type Socket } from 'node:net';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { listen } from '../../server/listen';
import { freePort } from '../support/free-port';

const app = new Hono().get('/', (c) => c.text('ok'));
let server: Awaited<ReturnType<typeof listen>> | undefined;
const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
  server?.close();
});

async function serve(perAddress: number, exempt?: (address: string) => boolean) {
  const port = await freePort();
  server = await listen(
    app.fetch,
    { who: 'the test', port, host: '127.0.0.1', portVariable: 'PORT', hostVariable: 'HOST' },
    undefined,
    { perAddress, ...(exempt ? { exempt } : {}) },
  );
  return port;
}

/** A connection that has sent half a request and waits (as a slow client holds one). */
async function held(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  sockets.push(socket);
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
  return socket;
}

/** A whole request on a new connection: what came back before the server closed it (or 2 s passed). */
async function ask(port: number): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  sockets.push(socket);
  let received = '';
  socket.on('data', (chunk) => {
    received += chunk.toString();
  });
  socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  await new Promise((resolve) => {
    socket.once('close', resolve);
    setTimeout(resolve, 2_000);
  });
  return received;
}

describe('connections per client address', () => {
  it('answers the connection over the cap with 429 rate_limited and closes it; a freed slot serves again', async () => {
    const port = await serve(2, () => false);
    const first = await held(port);
    await held(port);
    const refused = await ask(port);
    expect(refused).toMatch(/^HTTP\/1\.1 429 /);
    expect(refused).toMatch(/content-type: application\/problem\+json/i);
    expect(refused).toMatch(/retry-after: 1/i);
    expect(refused).toMatch(/connection: close/i);
    expect(refused).toContain('"code":"rate_limited"');
    first.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await ask(port)).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('leaves loopback alone by default (a reverse proxy on this machine), and 0 turns the cap off', async () => {
    let port = await serve(1);
    await held(port);
    await held(port);
    expect(await ask(port)).toMatch(/^HTTP\/1\.1 200 /);
    server?.close();
    port = await serve(0, () => false);
    await held(port);
    await held(port);
    expect(await ask(port)).toMatch(/^HTTP\/1\.1 200 /);
  });
});
