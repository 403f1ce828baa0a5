/**
 * What Node's HTTP parser refuses before the app sees it is answered as a
 * problem too (the adversarial run found 49 such answers with an empty body).
 */
import { connect } from 'node:net';
import { RequestError } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerClientErrors, requestErrorAnswer } from '../../server/http/client-errors';
import { listen } from '../../server/listen';
import { makeHarness } from '../support/companion-harness';
import { freePort } from '../support/free-port';

let server: Awaited<ReturnType<typeof listen>>;
let port: number;

beforeAll(async () => {
  const h = await makeHarness();
  port = await freePort();
  server = await listen(h.app.fetch, {
    who: 'the companion',
    port,
    host: '127.0.0.1',
    portVariable: 'PORT',
    hostVariable: 'HOST',
  });
  answerClientErrors(server);
});
afterAll(() => {
  server?.close();
});

/** Sends raw bytes and reads the whole answer until the server closes. */
function raw(request: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const [head = '', body = ''] = received.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body });
    });
    socket.write(request);
  });
}

describe('the Node adapter’s error answer', () => {
  it('is invalid_request only for a request it could not build; anything else is internal_error', async () => {
    const refused = requestErrorAnswer(new RequestError('Backslash in request path'));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ code: 'invalid_request' });
    const failed = requestErrorAnswer(new Error('the app failed'));
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ code: 'internal_error' });
  });
});

describe('requests the HTTP parser refuses', () => {
  it.each([
    ['a raw space in the path', 'GET /v1/acc ounts HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'invalid_request'],
    [
      'a backslash in the path',
      'GET /v1\\accounts HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      400,
      'invalid_request',
    ],
    ['an unknown method', 'FROB /v1/accounts HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'invalid_request'],
    [
      'headers over 16 KB',
      `GET /v1/accounts HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`,
      431,
      'request_headers_too_large',
    ],
  ])('%s: a problem answer, and the connection closes', async (_what, request, status, code) => {
    const answer = await raw(request);
    expect(answer.status).toBe(status);
    expect(answer.headers).toContain('content-type: application/problem+json');
    expect(answer.headers).toContain('connection: close');
    expect(JSON.parse(answer.body)).toMatchObject({ status, code });
  });
});
