import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { RequestError } from '@hono/node-server';
import { ERROR_STATUS, type ErrorCode } from '../../lib/protocol';
import { CompanionError, problemOf } from '../errors';

/** Node's parser and timeout errors, by the code Node gives them, as our problem codes. */
const PARSER_ERRORS: Readonly<Record<string, ErrorCode>> = {
  HPE_HEADER_OVERFLOW: 'request_headers_too_large',
  ERR_HTTP_REQUEST_TIMEOUT: 'request_timeout',
};

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/**
 * Requests Node's HTTP parser refuses before the app sees them (a raw space or
 * a backslash in the path, an unknown method, headers over 16 KB, a request
 * too slow to arrive) are answered as RFC 9457 problems like every other
 * error, instead of Node's empty 400/431 bodies. The connection closes after
 * the answer: what follows on it cannot be trusted to be a request.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // A response already on its way on this connection must not get a second one written into it.
    const sending = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
    if (error.code === 'ECONNRESET' || !socket.writable || sending) {
      socket.destroy();
      return;
    }
    const code = PARSER_ERRORS[error.code ?? ''] ?? 'invalid_request';
    const problem = problemOf(new CompanionError(code, messageOf(code)));
    const body = JSON.stringify(problem);
    const status = ERROR_STATUS[code];
    socket.end(
      `HTTP/1.1 ${status} ${REASONS[status] ?? 'Bad Request'}\r\n` +
        'Content-Type: application/problem+json\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  });
}

function messageOf(code: ErrorCode): string {
  switch (code) {
    case 'request_headers_too_large':
      return 'the request headers are larger than the companion reads (16 KB)';
    case 'request_timeout':
      return 'the request did not arrive in time';
    default:
      return 'the request is not valid HTTP (e.g. a space or backslash in the path, or an unknown method)';
  }
}

/**
 * The Node adapter's error answer: for a request it cannot turn into a web
 * Request (a backslash in the path, a host header that does not parse), our
 * invalid_request problem where it would send an empty 400; for anything else
 * that failed (the app's own error handling), internal_error. The connection
 * closes.
 */
export function requestErrorAnswer(error: unknown): Response {
  const known =
    error instanceof RequestError
      ? new CompanionError('invalid_request', messageOf('invalid_request'))
      : new CompanionError('internal_error', 'the companion failed; see its log');
  const problem = problemOf(known);
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': 'application/problem+json', connection: 'close' },
  });
}
