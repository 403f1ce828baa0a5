/**
 * Which errors of the pg driver mean "PostgreSQL cannot be reached now", as
 * opposed to a statement that failed (a constraint, a bug). Only these become
 * `503 store_unavailable`: the server restarting, failing over or refusing
 * connections is over in seconds, and the client may try again.
 */

/**
 * SQLSTATEs of a server that is going away or not yet there, from PostgreSQL's
 * Appendix A (https://www.postgresql.org/docs/current/errcodes-appendix.html):
 * class 08 "Connection Exception", and in class 57 "Operator Intervention"
 * 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now; in
 * class 53 "Insufficient Resources", 53300 too_many_connections.
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** The socket to the server: refused, reset, timed out or not resolvable (Node's system error codes). */
const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * What pg itself says when a connection ends under a query or cannot be made
 * in time (its messages have no code): "Connection terminated unexpectedly",
 * "Connection terminated due to connection timeout", "timeout exceeded when
 * trying to connect", "Client has encountered a connection error and is not
 * queryable".
 */
const UNAVAILABLE_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/** Whether `error` (anything thrown by pg or Kysely over pg) means the server cannot be reached now. */
export function isPostgresUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code))) return true;
  if (typeof code === 'string' && UNAVAILABLE_SOCKET_CODES.has(code)) return true;
  if (UNAVAILABLE_MESSAGES.test(error.message)) return true;
  // Node's connect to a name with several addresses fails with an AggregateError of each attempt.
  if (error instanceof AggregateError) return error.errors.some(isPostgresUnavailable);
  return false;
}
