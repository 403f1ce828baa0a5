import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentEncode, signingKey } from '../../../lib/oauth1';
import {
  MIN_SECRET_LENGTH,
  REDACTED,
  redactSecrets,
  redactText,
  secretForms,
} from '../../../server/upstream/secret-redaction';

const CONSUMER = 'consumer+secret/0123&456=789';
const TOKEN = 'token secret ü 9876543210';

const answer = (body: string | Uint8Array, headers: Record<string, string> = {}) => ({
  status: 200,
  headers: new Headers(headers),
  body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
});
const text = (body: Uint8Array) => new TextDecoder().decode(body);

describe('secretForms', () => {
  it('holds each secret raw, encoded once and twice, and the PLAINTEXT signature as signed and as sent', () => {
    const forms = secretForms(CONSUMER, TOKEN);
    const signature = signingKey({ consumerSecret: CONSUMER, tokenSecret: TOKEN });
    for (const form of [
      CONSUMER,
      percentEncode(CONSUMER),
      percentEncode(percentEncode(CONSUMER)),
      TOKEN,
      percentEncode(TOKEN),
      percentEncode(percentEncode(TOKEN)),
      signature,
      percentEncode(signature),
      `${CONSUMER}&${TOKEN}`,
    ]) {
      expect(forms).toContain(form);
    }
    expect(percentEncode(percentEncode(CONSUMER))).toBe('consumer%252Bsecret%252F0123%2526456%253D789');
  });

  it('holds exactly the forms its definition names, for any secrets (the consumer’s kept between calls)', () => {
    // The definition, written out plainly: every form and every respelling of it, nothing else.
    const defined = (consumer: string, token: string) => {
      const base: string[] = [];
      for (const secret of [consumer, token]) {
        if (secret.length >= MIN_SECRET_LENGTH)
          base.push(secret, percentEncode(secret), percentEncode(percentEncode(secret)));
      }
      const signature = signingKey({ consumerSecret: consumer, tokenSecret: token });
      if (signature.length > MIN_SECRET_LENGTH) base.push(signature, percentEncode(signature), `${consumer}&${token}`);
      return new Set(
        base.flatMap((form) => [
          form,
          form.replaceAll('&', '\\u0026'),
          form.replaceAll('&', '&amp;'),
          form.replaceAll('/', '\\/'),
          form.replace(/%[0-9A-F]{2}/g, (percentEscape) => percentEscape.toLowerCase()),
        ]),
      );
    };
    const secret = fc.string({
      unit: fc.constantFrom('a', 'Z', '9', '&', '/', '%', '+', ' ', 'ü', '=', '~'),
      maxLength: 20,
    });
    fc.assert(
      fc.property(fc.constantFrom(CONSUMER, 'another consumer/secret&', 'short'), secret, (consumer, token) => {
        const forms = secretForms(consumer, token);
        expect(new Set(forms)).toEqual(defined(consumer, token));
        expect(forms).toHaveLength(new Set(forms).size);
      }),
      { numRuns: 300 },
    );
  });

  it('lists the longest first, so a signature is replaced whole before its parts', () => {
    const lengths = secretForms(CONSUMER, TOKEN).map((form) => form.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => b - a));
  });

  it(`does not look for a secret shorter than ${MIN_SECRET_LENGTH} characters on its own, but still inside the signature`, () => {
    const forms = secretForms(CONSUMER, 'short');
    expect(forms).not.toContain('short');
    expect(forms).toContain(`${percentEncode(CONSUMER)}&short`);
    expect(secretForms('tiny', undefined)).toEqual([]);
    expect(secretForms('', '')).toEqual([]);
  });

  it('finds them as serialisers write them back: JSON-escaped, HTML-escaped, lowercase percent-encoding', () => {
    const signature = `${percentEncode(CONSUMER)}&short`;
    const echoed = [
      JSON.stringify({ echo: signature }).replace('&', '\\u0026'), // Go's encoding/json
      `<p>${signature.replace('&', '&amp;')}</p>`,
      JSON.stringify({ echo: CONSUMER }).replaceAll('/', '\\/'), // PHP's json_encode
      percentEncode(CONSUMER).toLowerCase(), // CONSUMER's letters are lowercase already: only the %xx change
    ];
    const forms = secretForms(CONSUMER, 'short');
    for (const body of echoed) {
      const redacted = text(redactSecrets(answer(body), forms).response.body);
      expect(redacted).toContain(REDACTED);
      expect(redacted).not.toContain('0123');
    }
  });

  it('has no signature forms for an RSA provider (no consumer secret) with a short token secret', () => {
    expect(secretForms('', 'abc')).toEqual([]);
  });
});

describe('redactSecrets', () => {
  const forms = secretForms(CONSUMER, TOKEN);

  it('passes an answer without a secret on as the same object, bytes untouched', () => {
    const body = new Uint8Array(randomBytes(4096));
    const original = answer(body, { 'content-type': 'image/png', 'x-rate-limit-remaining': '899' });
    const { response, places } = redactSecrets(original, forms);
    expect(places).toEqual([]);
    expect(response).toBe(original);
    expect(response.body).toBe(body);
  });

  it('replaces every occurrence of every form in the body and in header values, and says where', () => {
    const header = `OAuth oauth_consumer_key="ck", oauth_signature="${percentEncode(signingKey({ consumerSecret: CONSUMER, tokenSecret: TOKEN }))}"`;
    const body = `{"echo":${JSON.stringify(header)},"again":"${percentEncode(TOKEN)}","raw":"${CONSUMER}${CONSUMER}"}`;
    const { response, places } = redactSecrets(
      answer(body, { 'x-echo': header, 'content-type': 'application/json' }),
      forms,
    );
    expect(places).toEqual(['body', 'header x-echo']);
    const redactedBody = text(response.body);
    for (const form of forms) {
      expect(redactedBody).not.toContain(form);
      expect(response.headers.get('x-echo')).not.toContain(form);
    }
    expect(redactedBody).toBe(
      `{"echo":"OAuth oauth_consumer_key=\\"ck\\", oauth_signature=\\"${REDACTED}\\"","again":"${REDACTED}","raw":"${REDACTED}${REDACTED}"}`,
    );
    expect(response.headers.get('x-echo')).toBe(`OAuth oauth_consumer_key="ck", oauth_signature="${REDACTED}"`);
    expect(response.headers.get('content-type')).toBe('application/json');
  });

  it('works on the bytes, so a binary body is redacted before it is base64-encoded for the extension', () => {
    const secret = Buffer.from(TOKEN);
    const body = Buffer.concat([randomBytes(100), secret, randomBytes(100)]);
    const { response, places } = redactSecrets(answer(new Uint8Array(body)), forms);
    expect(places).toEqual(['body']);
    expect(response.body.byteLength).toBe(200 + REDACTED.length);
    expect(Buffer.from(response.body).includes(secret)).toBe(false);
  });
});

describe('redactText', () => {
  it('takes every form out of a quoted answer', () => {
    const quoted = `bad request: oauth_signature="${percentEncode(percentEncode(CONSUMER))}%26"`;
    expect(redactText(quoted, secretForms(CONSUMER, undefined))).toBe(`bad request: oauth_signature="${REDACTED}"`);
  });
});
