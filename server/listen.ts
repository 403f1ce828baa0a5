/**
 * Listening on a port, with the failures people meet at start-up (a port
 * already taken, a privileged port, an address this machine does not have)
 * turned into one sentence that says what to change, instead of an
 * unhandled 'error' event and its stack trace.
 */

import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { requestErrorAnswer } from './http/client-errors';
import { capConnectionsPerAddress, refusingOverCap } from './http/connection-cap';

export interface ListenTarget {
  /** Who listens, for the message: "the companion", "the dev provider". */
  readonly who: string;
  readonly port: number;
  readonly host: string;
  /** The environment variables that set them, for the message: PORT / HOST, DEV_PROVIDER_PORT / DEV_PROVIDER_HOST. */
  readonly portVariable: string;
  readonly hostVariable: string;
}

/**
 * How long a client may take to send a request, suited to a server on the
 * internet: Node's defaults (60 s for the headers, 300 s for the whole
 * request, checked every 30 s) let a few thousand half-sent requests hold the
 * companion for minutes. Here the headers must arrive within 10 s and the
 * whole request within 120 s, checked every second (Node's `headersTimeout`,
 * `requestTimeout`, `connectionsCheckingInterval`). The whole-request limit is
 * set by uploads: 20 MB in 120 s is 1.4 Mbit/s, a slow home uplink; any other
 * body is at most 256 KiB.
 */
export interface SlowClientLimits {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly checkIntervalMs: number;
}

export const SLOW_CLIENT_LIMITS: SlowClientLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 120_000,
  checkIntervalMs: 1_000,
};

/** The listen failures we can explain; anything else is passed on as it came. */
export type ListenErrorCode = 'EADDRINUSE' | 'EACCES' | 'EADDRNOTAVAIL';

/** A start-up failure an operator fixes by configuration: its message says how, and no stack helps. */
export class ListenError extends Error {
  override readonly name = 'ListenError';

  constructor(
    readonly code: ListenErrorCode,
    readonly target: ListenTarget,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Serves `fetch` (a Hono app's) on the target's host and port.
 * @returns the listening server
 * @throws ListenError EADDRINUSE, EACCES or EADDRNOTAVAIL, with a message naming the port and the variable to change;
 *   other socket errors as Node reports them
 */
export function listen(
  fetch: Parameters<typeof getRequestListener>[0],
  target: ListenTarget,
  limits: SlowClientLimits = SLOW_CLIENT_LIMITS,
  connections: {
    /** The most connections one client address may hold (connection-cap.ts); 0 or absent: no cap. */
    readonly perAddress?: number;
    /** Addresses the cap leaves alone: loopback by default (a reverse proxy on this machine). */
    readonly exempt?: (address: string) => boolean;
  } = {},
): Promise<Server> {
  return new Promise((resolve, reject) => {
    const serverOptions = {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
    };
    const server = createHttpServer(serverOptions);
    const cap = capConnectionsPerAddress(server, connections.perAddress ?? 0, connections.exempt);
    // The Node adapter's listener, as @hono/node-server's serve() builds it, plus an answer of ours for
    // a request it cannot even turn into a web Request (a backslash in the path): a problem, not an empty 400.
    server.on(
      'request',
      refusingOverCap(cap, getRequestListener(fetch, { hostname: target.host, errorHandler: requestErrorAnswer })),
    );
    const failed = (error: NodeJS.ErrnoException) => reject(explained(error, target));
    server.once('error', failed);
    server.listen(target.port, target.host, () => {
      server.off('error', failed);
      resolve(server);
    });
  });
}

/**
 * Checks that the target's port can be listened on now, and lets it go: for
 * `npm start`, so that a taken port is reported before the builds, not after.
 * Someone may still take the port in between; `listen` reports that too.
 * @throws ListenError as `listen` does
 */
export function ensurePortFree(target: ListenTarget): Promise<void> {
  if (target.port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => reject(explained(error, target)));
    probe.listen(target.port, target.host, () => probe.close(() => resolve()));
  });
}

function explained(error: NodeJS.ErrnoException, target: ListenTarget): Error {
  const where = `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return new ListenError(
        'EADDRINUSE',
        target,
        `${capitalised(target.who)} cannot listen on ${where}: port ${target.port} is already in use (EADDRINUSE). ` +
          `Another program, or another copy of this one, holds it. Stop that program, or choose another port with ` +
          `${target.portVariable}=<port>. To see what holds it: lsof -nP -iTCP:${target.port} -sTCP:LISTEN ` +
          `(Linux, macOS), ss -ltnp 'sport = :${target.port}' (Linux), or netstat -ano | findstr :${target.port} (Windows).`,
      );
    case 'EACCES':
      return new ListenError(
        'EACCES',
        target,
        `${capitalised(target.who)} may not listen on ${where} (EACCES): ports below 1024 need privileges. ` +
          `Choose a port from 1024 up with ${target.portVariable}=<port>, and put a reverse proxy in front if it must answer on 80 or 443.`,
      );
    case 'EADDRNOTAVAIL':
      return new ListenError(
        'EADDRNOTAVAIL',
        target,
        `${capitalised(target.who)} cannot listen on ${where} (EADDRNOTAVAIL): ${target.host} is not an address of ` +
          `this machine. Set ${target.hostVariable} to one of its addresses, e.g. 127.0.0.1, or 0.0.0.0 for all of them.`,
      );
    default:
      return error;
  }
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
