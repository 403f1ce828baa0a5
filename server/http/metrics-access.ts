import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { HttpBindings } from '@hono/node-server';
import type { Context, MiddlewareHandler } from 'hono';
import { isLoopbackHost } from '../../lib/protocol/loopback';
import { noSuchEndpoint } from '../errors';

/** The address a request's socket comes from; undefined when there is no socket. */
export type RemoteAddressOf = (c: Context) => string | undefined;

/**
 * The node-server socket's remote address. Requests made with app.request()
 * (the tests) have no socket, and so count as remote.
 */
export const socketRemoteAddress: RemoteAddressOf = (c) =>
  (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket?.remoteAddress;

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * 127.0.0.0/8 and ::1. BlockList also matches IPv4-mapped IPv6 addresses
 * (::ffff:127.0.0.1, what a dual-stack socket reports) against the IPv4 range.
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  const family = address === undefined ? 0 : isIP(address);
  if (family === 0) return false;
  return LOOPBACK.check(address as string, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Headers a reverse proxy adds. A proxy on this machine connects over
 * loopback, so a request carrying one came from somewhere else.
 */
const RELAY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'];

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Whether `authorization` is `Bearer <token>` for the token with this digest.
 * Digests, not the strings, are compared: timingSafeEqual needs equal lengths,
 * and comparing in constant time must not give away the token's length either.
 */
export function bearerTokenMatches(authorization: string | undefined, tokenDigest: Buffer): boolean {
  const presented = /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1];
  return presented !== undefined && timingSafeEqual(digest(presented), tokenDigest);
}

/**
 * Who may read GET /metrics. With METRICS_TOKEN set: whoever sends it as a
 * Bearer token, from anywhere. Without: only a caller on this machine (a
 * loopback socket, no proxy's headers), and only while the companion is not
 * published beyond it (PUBLIC_URL on loopback): a reverse proxy in front of
 * a published companion connects over loopback and need not add any header
 * that gives it away, so there the token is the only way in. Anyone else
 * gets the 404 problem of an unknown path, so a stranger cannot tell the
 * endpoint from a missing one.
 */
export function metricsAccess(
  token: string | undefined,
  remoteAddressOf: RemoteAddressOf,
  publicUrl: string,
): MiddlewareHandler {
  const tokenDigest = token === undefined ? undefined : digest(token);
  // PUBLIC_URL's host names this machine only.
  const unpublished = isLoopbackHost(new URL(publicUrl).hostname);
  return async (c, next) => {
    const allowed = tokenDigest
      ? bearerTokenMatches(c.req.header('authorization'), tokenDigest)
      : unpublished &&
        isLoopbackAddress(remoteAddressOf(c)) &&
        RELAY_HEADERS.every((name) => c.req.header(name) === undefined);
    if (!allowed) throw noSuchEndpoint();
    await next();
  };
}
