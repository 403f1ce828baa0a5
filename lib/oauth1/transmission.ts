import { authorizationHeaderFromEncoded } from './authorization-header';
import { type Parameter, serializeFormEncoded } from './form-encoding';
import { type RequestToSign, signerOf } from './sign-request';

/**
 * Signs a request and returns the value of its Authorization header
 * (RFC 5849 section 3.5.1), e.g. `OAuth oauth_consumer_key="…", …`.
 * With a synchronous crypto (node:crypto) the result is a string; with
 * WebCrypto (the default) a promise of one.
 */
export const authorizationHeader = signerOf((signed) =>
  authorizationHeaderFromEncoded(signed.encodedProtocolParameters, signed.realm),
);

/**
 * Section 3.5.2: the protocol parameters added to the form body. Returns the
 * body to send as `application/x-www-form-urlencoded`.
 */
export const signedFormBody = signerOf<string, RequestToSign & { readonly form: readonly Parameter[] }>(
  (signed, request) => serializeFormEncoded([...request.form, ...signed.protocolParameters]),
);

/** Section 3.5.3: the protocol parameters appended to the query. Returns the URL to request. */
export const signedQueryUrl = signerOf((signed, request) => {
  const url = new URL(request.url);
  const added = serializeFormEncoded(signed.protocolParameters);
  url.search = url.search.length > 1 ? `${url.search.slice(1)}&${added}` : added;
  return url.href;
});
