import { ERROR_STATUS, type ErrorCode, type Problem } from '../lib/protocol';

/**
 * The companion's one error type. Routes and services throw it; the app maps
 * it once to an RFC 9457 problem answer (see app.ts). Anything else that is
 * thrown becomes `internal_error`, with the details only in the log.
 */
export class CompanionError extends Error {
  override readonly name = 'CompanionError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: Problem['issues'],
    /** Headers the answer must carry, e.g. Retry-After. */
    readonly headers?: Readonly<Record<string, string>>,
    /** Members the problem carries beside its code (`limitBytes` of body_too_large). */
    readonly members?: { readonly limitBytes?: number },
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

const TITLES: Partial<Record<ErrorCode, string>> = {
  invalid_request: 'The request is not valid',
  dpop_missing: 'A DPoP proof is required',
  rate_limited: 'Too many requests',
  companion_busy: 'The companion is busy',
  internal_error: 'Something went wrong on our side',
};

export function problemOf(error: CompanionError): Problem {
  return {
    type: `https://oauth1-connect.dev/problems/${error.code.replaceAll('_', '-')}`,
    title: TITLES[error.code] ?? error.code.replaceAll('_', ' '),
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(error.issues ? { issues: error.issues } : {}),
    ...error.members,
  };
}

/** The answer to a path that does not exist, and to one the caller may not learn exists (/metrics). */
export function noSuchEndpoint(): CompanionError {
  return new CompanionError('not_found', 'no such endpoint');
}
