import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { isIP } from 'node:net';
import { CompanionError, problemOf } from '../errors';
import { BUSY_RETRY_AFTER_SECONDS } from '../upstream/answer-budget';
import { isLoopbackAddress } from './metrics-access';

/**
 * How many connections one client address may hold open at once: a browser
 * opens six per host, so this leaves room for many people behind one NAT
 * while one host cannot hold hundreds of half-sent requests (each held up to
 * the slow-client timeouts of listen.ts).
 */
export const DEFAULT_CONNECTIONS_PER_ADDRESS = 64;

/** A refused connection gets this long to send its request and read the refusal. */
const REFUSED_GRACE_MS = 2_000;

export interface ConnectionCap {
  /** Connections open now, by address (loopback and exempt addresses are not counted). */
  readonly open: ReadonlyMap<string, number>;
  /** Whether this socket was over the cap when it connected (its requests are refused). */
  refuses(socket: Socket): boolean;
}

/**
 * Caps the connections each client address holds on `server`. A connection
 * over the cap is not counted; its request is answered `429 rate_limited`
 * (problem+json, `Retry-After`, Connection: close) by `refusedAnswer`, and it
 * is closed after a short grace if it sends nothing. Loopback addresses are
 * exempt by default: a reverse proxy on the same machine holds everyone's
 * connections, and caps per client itself (docs/deploy.md).
 * @param maxPerAddress the cap; 0 turns it off
 */
export function capConnectionsPerAddress(
  server: Server,
  maxPerAddress: number,
  exempt: (address: string) => boolean = isLoopbackAddress,
): ConnectionCap {
  const open = new Map<string, number>();
  const refused = new WeakSet<Socket>();
  if (maxPerAddress > 0) {
    server.on('connection', (socket: Socket) => {
      const address = clientAddress(socket.remoteAddress);
      if (address === undefined || exempt(address)) return;
      const count = (open.get(address) ?? 0) + 1;
      if (count > maxPerAddress) {
        refused.add(socket);
        socket.setTimeout(REFUSED_GRACE_MS, () => socket.destroy());
        return;
      }
      open.set(address, count);
      socket.once('close', () => {
        const left = (open.get(address) ?? 1) - 1;
        if (left <= 0) open.delete(address);
        else open.set(address, left);
      });
    });
  }
  return { open, refuses: (socket) => refused.has(socket) };
}

/**
 * The request listener, with the requests of refused connections answered
 * `429 rate_limited` before the app sees them.
 */
export function refusingOverCap(
  cap: Pick<ConnectionCap, 'refuses'>,
  listener: (request: IncomingMessage, response: ServerResponse) => void,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    if (!cap.refuses(request.socket)) return listener(request, response);
    const problem = problemOf(
      new CompanionError('rate_limited', 'too many connections from your address: close some and try again'),
    );
    const body = JSON.stringify(problem);
    response.writeHead(problem.status, {
      'content-type': 'application/problem+json',
      'content-length': Buffer.byteLength(body),
      'retry-after': String(BUSY_RETRY_AFTER_SECONDS),
      connection: 'close',
    });
    response.end(body);
  };
}

/** An IPv4 address reached over IPv6 (`::ffff:203.0.113.7`) counts as the IPv4 address. */
function clientAddress(remote: string | undefined): string | undefined {
  if (remote === undefined || isIP(remote) === 0) return undefined;
  return remote.startsWith('::ffff:') && isIP(remote.slice(7)) === 4 ? remote.slice(7) : remote;
}
