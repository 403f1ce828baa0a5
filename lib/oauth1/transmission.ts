import { authorizationHeaderFromEncoded } from './authorization-header';
import type { Result } from './crypto';
import { type Parameter, serializeFormEncoded } from './form-encoding';
import { chain } from './maybe-promise';
import {
  type Credentials,
  type RequestToSign,
  type SignedRequest,
  type SignOptions,
  signRequest,
} from './sign-request';

/**
 * Signs a request and returns the value of its Authorization header
 * (RFC 5849 section 3.5.1), e.g. `OAuth oauth_consumer_key="…", …`.
 * With a synchronous crypto (node:crypto) the result is a string; with
 * WebCrypto (the default) a promise of one.
 */
export function authorizationHeader<Sync extends boolean = false>(
  request: RequestToSign,
  credentials: Credentials,
  options?: SignOptions<Sync>,
): Result<Sync, string> {
  const signed = signRequest<Sync>(request, credentials, options) as SignedRequest | Promise<SignedRequest>;
  return chain(signed, headerOf) as Result<Sync, string>;
}

// Module-level, so that the synchronous path allocates no closure per call.
const headerOf = (signed: SignedRequest) =>
  authorizationHeaderFromEncoded(signed.encodedProtocolParameters, signed.realm);

/**
 * Section 3.5.2: the protocol parameters added to the form body. Returns the
 * body to send as `application/x-www-form-urlencoded`.
 */
export function signedFormBody<Sync extends boolean = false>(
  request: RequestToSign & { readonly form: readonly Parameter[] },
  credentials: Credentials,
  options?: SignOptions<Sync>,
): Result<Sync, string> {
  const signed = signRequest<Sync>(request, credentials, options) as SignedRequest | Promise<SignedRequest>;
  return chain(signed, (s) => serializeFormEncoded([...request.form, ...s.protocolParameters])) as Result<Sync, string>;
}

/** Section 3.5.3: the protocol parameters appended to the query. Returns the URL to request. */
export function signedQueryUrl<Sync extends boolean = false>(
  request: RequestToSign,
  credentials: Credentials,
  options?: SignOptions<Sync>,
): Result<Sync, string> {
  const signed = signRequest<Sync>(request, credentials, options) as SignedRequest | Promise<SignedRequest>;
  return chain(signed, (s) => {
    const url = new URL(request.url);
    const added = serializeFormEncoded(s.protocolParameters);
    url.search = url.search.length > 1 ? `${url.search.slice(1)}&${added}` : added;
    return url.href;
  }) as Result<Sync, string>;
}
