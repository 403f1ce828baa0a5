import { percentEncode, signingKey } from '../../lib/oauth1';
import { type AnswerHeaders, PlainHeaders, type UpstreamResponse } from './upstream-call';

/** What a secret found in a provider's answer is replaced with. */
export const REDACTED = '[redacted]';

/**
 * Secrets shorter than this are not looked for on their own: a short string
 * turns up in ordinary answers by chance, and replacing it there would corrupt
 * them. A secret that short protects little anyway. A short token secret is
 * still caught inside the signature, which is looked for whole.
 */
export const MIN_SECRET_LENGTH = 8;

/**
 * Every form in which one call's secrets can come back: each secret raw,
 * percent-encoded once as lib/oauth1 encodes it (a form body or a parsed
 * header) and twice (the Authorization header percent-encodes the PLAINTEXT
 * signature, which is made of encoded secrets); and the PLAINTEXT signature
 * (RFC 5849 section 3.4.4, also the HMAC key of 3.4.2): as signed, as the
 * header carries it, and with its parts decoded. Longest first, so that a
 * signature is replaced whole before its parts.
 */
export function secretForms(consumerSecret: string, tokenSecret: string | undefined): string[] {
  const forms = new Set<string>();
  for (const secret of [consumerSecret, tokenSecret ?? '']) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    const once = percentEncode(secret);
    forms.add(secret).add(once).add(percentEncode(once));
  }
  const signature = signingKey({ consumerSecret, tokenSecret });
  if (signature.length > MIN_SECRET_LENGTH) {
    forms
      .add(signature)
      .add(percentEncode(signature))
      .add(`${consumerSecret}&${tokenSecret ?? ''}`);
  }
  // As serialisers write them back: JSON (Go's \u0026, PHP's \/), HTML (&amp;) and lowercase %xx.
  for (const form of [...forms]) {
    for (const respelled of [
      form.replaceAll('&', '\\u0026'),
      form.replaceAll('&', '&amp;'),
      form.replaceAll('/', '\\/'),
      form.replace(/%[0-9A-F]{2}/g, (percentEscape) => percentEscape.toLowerCase()),
    ]) {
      forms.add(respelled);
    }
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

export interface Redaction {
  readonly response: UpstreamResponse;
  /** Where secrets were found: `body`, or `header <name>`. Empty when the answer is passed on as it came. */
  readonly places: readonly string[];
}

/**
 * Replaces every form of the secrets in an answer's body and header values.
 * Looking costs one Buffer search per form over the body and one string
 * search over the joined header values; only an answer that holds a secret
 * is copied. An answer without one is returned as the same object.
 */
export function redactSecrets(response: UpstreamResponse, forms: readonly string[]): Redaction {
  const places: string[] = [];
  const body = redactBody(response.body, forms);
  if (body !== response.body) places.push('body');
  const headers = redactHeaders(response.headers, forms, places);
  if (places.length === 0) return { response, places };
  return { response: { status: response.status, headers, body }, places };
}

/** Text with every form replaced: for answers quoted in error messages. */
export function redactText(text: string, forms: readonly string[]): string {
  let redacted = text;
  for (const form of forms) if (redacted.includes(form)) redacted = redacted.replaceAll(form, REDACTED);
  return redacted;
}

const MARKER = Buffer.from(REDACTED);

function redactBody(body: Uint8Array, forms: readonly string[]): Uint8Array {
  let bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let changed = false;
  for (const form of forms) {
    let at = bytes.indexOf(form);
    if (at === -1) continue;
    const needle = Buffer.from(form);
    const parts: Buffer[] = [];
    let from = 0;
    while (at !== -1) {
      parts.push(bytes.subarray(from, at), MARKER);
      from = at + needle.byteLength;
      at = bytes.indexOf(needle, from);
    }
    parts.push(bytes.subarray(from));
    bytes = Buffer.concat(parts);
    changed = true;
  }
  return changed ? bytes : body;
}

function redactHeaders(headers: AnswerHeaders, forms: readonly string[], places: string[]): AnswerHeaders {
  const values: string[] = [];
  headers.forEach((value) => {
    values.push(value);
  });
  const joined = values.join('\n');
  if (!forms.some((form) => joined.includes(form))) return headers;
  const redacted: [string, string][] = [];
  headers.forEach((value, name) => {
    const clean = redactText(value, forms);
    if (clean !== value) places.push(`header ${name}`);
    redacted.push([name, clean]);
  });
  return new PlainHeaders(redacted);
}
