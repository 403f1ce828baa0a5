import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import pino from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseAuthorizationHeader, percentEncode } from '../../../lib/oauth1';
import { REDACTED, secretForms } from '../../../server/upstream/secret-redaction';
import { makeHarness } from '../../support/companion-harness';
import { connectAtStub, stubProvider, withTokenEndpoints } from '../support/stub-provider';

// Reserved and non-ASCII characters, so the raw, once- and twice-encoded forms all differ.
const CONSUMER_SECRET = 'discogs+consumer/secret&0123=456 ü';
const TOKEN_SECRET = 'token secret+/=9876543210';
const API = 'https://api.discogs.com';
const COVER = new Uint8Array(randomBytes(4096));
const RECORD = '{"title":"Homogenic","artist":"Björk – ☃","notes":"a & b = c / d"}';

/**
 * Discogs (PLAINTEXT, as it documents) with a debugging endpoint that echoes the
 * request's Authorization header, as some APIs do, in its body and in a header.
 */
function echoingDiscogs() {
  const app = withTokenEndpoints(new Hono(), '/oauth', { token: 'discogs-access-token', tokenSecret: TOKEN_SECRET })
    .get('/oauth/identity', (c) => c.json({ id: 7, username: 'crate-digger' }))
    .get('/debug/echo', (c) => {
      // The header as it came, its parameters decoded, and the PLAINTEXT signature's two halves.
      const authorization = c.req.header('authorization') ?? '';
      const parameters = Object.fromEntries(parseAuthorizationHeader(authorization).parameters);
      const [consumerPart, tokenPart] = (parameters.oauth_signature ?? '').split('&');
      return c.json({ received: { authorization, parameters, signatureParts: [consumerPart, tokenPart] } }, 200, {
        'x-echo-authorization': authorization,
      });
    })
    .get('/debug/echo.bin', (c) => {
      const bytes = new TextEncoder().encode(c.req.header('authorization') ?? '');
      return c.body(bytes, 200, { 'content-type': 'application/octet-stream' });
    })
    .get('/releases/1', (c) =>
      c.body(RECORD, 200, { 'content-type': 'application/json; charset=utf-8', 'x-discogs-ratelimit': '60' }),
    )
    .get('/images/cover.jpg', (c) => c.body(COVER, 200, { 'content-type': 'image/jpeg', etag: '"cover-1"' }));
  return { provider: stubProvider(CONSUMER_SECRET, { id: 'discogs' }), fetch: (r: Request) => app.fetch(r) };
}

let h: Awaited<ReturnType<typeof makeHarness>>;
let logLines: string[];
beforeEach(async () => {
  logLines = [];
  h = await makeHarness({
    extraProviders: [echoingDiscogs()],
    logger: pino({ level: 'warn' }, { write: (line: string) => logLines.push(line) }),
  });
});

const proxy = (accountId: string, url: string) =>
  h.call('POST', `/v1/accounts/${accountId}/requests`, { body: { method: 'GET', url } });
/** Every form in which the secrets could leak, and each secret as it is. */
const LEAKS = [...secretForms(CONSUMER_SECRET, TOKEN_SECRET), CONSUMER_SECRET, TOKEN_SECRET];

describe('the signing proxy never hands a secret to the extension, even when the provider echoes it', () => {
  it('redacts a PLAINTEXT Authorization header echoed in the body and in a header, and logs a warning', async () => {
    const account = await connectAtStub(h, 'discogs');
    const answer = await proxy(account.id, `${API}/debug/echo`);

    // The provider really got both secrets (PLAINTEXT), so an echo would carry them.
    const sent = h.upstreamCalls.at(-1)?.headers.get('authorization') ?? '';
    expect(sent).toContain('oauth_signature_method="PLAINTEXT"');
    expect(sent).toContain(percentEncode(percentEncode(CONSUMER_SECRET)));
    expect(sent).toContain(percentEncode(percentEncode(TOKEN_SECRET)));

    expect(answer.json.status).toBe(200);
    const extensionSees = JSON.stringify(answer.json);
    for (const leak of LEAKS) expect(extensionSees).not.toContain(leak);
    const body = JSON.parse(answer.json.body as string) as {
      received: { authorization: string; parameters: Record<string, string>; signatureParts: string[] };
    };
    expect(body.received.authorization).toContain(`oauth_signature="${REDACTED}"`);
    expect(body.received.parameters.oauth_signature).toBe(REDACTED);
    expect(body.received.signatureParts).toEqual([REDACTED, REDACTED]);
    expect(body.received.authorization).toContain('oauth_consumer_key="discogs-consumer-key"');
    const headers = answer.json.headers as Record<string, string>;
    expect(headers['x-echo-authorization']).toContain(`oauth_signature="${REDACTED}"`);

    const warnings = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(warnings).toContainEqual(
      expect.objectContaining({ level: 40, provider: 'discogs', places: ['body', 'header x-echo-authorization'] }),
    );
    for (const leak of LEAKS) expect(logLines.join('\n')).not.toContain(leak);
  });

  it('redacts a binary answer before base64-encoding it', async () => {
    const account = await connectAtStub(h, 'discogs');
    const answer = await proxy(account.id, `${API}/debug/echo.bin`);
    expect(answer.json.bodyEncoding).toBe('base64');
    const bytes = Buffer.from(answer.json.body as string, 'base64').toString('utf8');
    expect(bytes).toContain(`oauth_signature="${REDACTED}"`);
    for (const leak of LEAKS) expect(bytes).not.toContain(leak);
  });

  it('passes an ordinary answer on byte for byte, with its headers, and logs nothing', async () => {
    const account = await connectAtStub(h, 'discogs');
    const record = await proxy(account.id, `${API}/releases/1`);
    expect(record.json).toMatchObject({ status: 200, bodyEncoding: 'utf8', body: RECORD });
    expect(record.json.headers).toEqual({
      'content-type': 'application/json; charset=utf-8',
      'x-discogs-ratelimit': '60',
    });
    const cover = await proxy(account.id, `${API}/images/cover.jpg`);
    expect(cover.json).toMatchObject({ status: 200, bodyEncoding: 'base64' });
    expect(Buffer.from(cover.json.body as string, 'base64').equals(Buffer.from(COVER))).toBe(true);
    expect(cover.json.headers).toEqual({ 'content-type': 'image/jpeg', etag: '"cover-1"' });
    expect(logLines).toEqual([]);
  });

  it('redacts a secret in an HMAC-SHA1 provider’s answer too (the rule holds for every method)', async () => {
    const app = withTokenEndpoints(new Hono(), '/oauth', {
      token: 'hmac-access-token',
      tokenSecret: TOKEN_SECRET,
      extra: { user_id: '9', screen_name: 'nine' },
    }).get('/1.1/account/tokens.json', (c) => c.json({ tokens: [{ secret: TOKEN_SECRET }] }));
    const hmac = stubProvider(CONSUMER_SECRET, {
      id: 'leaky',
      name: 'Leaky',
      requestTokenUrl: 'https://leaky.test/oauth/request_token',
      authorizeUrl: 'https://leaky.test/oauth/authorize',
      accessTokenUrl: 'https://leaky.test/oauth/access_token',
      apiBaseUrls: ['https://leaky.test/1.1/'],
      signatureMethod: 'HMAC-SHA1',
      modes: ['callback'],
      identity: { tokenFields: { userId: 'user_id', screenName: 'screen_name' } },
    });
    const leaky = await makeHarness({ extraProviders: [{ provider: hmac, fetch: (r) => app.fetch(r) }] });
    const account = await connectAtStub(leaky, 'leaky');
    const answer = await leaky.call('POST', `/v1/accounts/${account.id}/requests`, {
      body: { method: 'GET', url: 'https://leaky.test/1.1/account/tokens.json' },
    });
    expect(JSON.parse(answer.json.body as string)).toEqual({ tokens: [{ secret: REDACTED }] });
  });
});

describe('a provider error quoted to the extension carries no secret either', () => {
  it('redacts an echoed PLAINTEXT signature from the request_token refusal it quotes', async () => {
    const app = new Hono().post('/oauth/request_token', (c) => {
      const signature = /oauth_signature="([^"]*)"/.exec(c.req.header('authorization') ?? '')?.[1];
      return c.text(`Invalid signature ${signature} for consumer discogs-consumer-key`, 400);
    });
    const refusing = await makeHarness({
      extraProviders: [{ provider: stubProvider(CONSUMER_SECRET, { id: 'discogs' }), fetch: (r) => app.fetch(r) }],
    });
    const answer = await refusing.call('POST', '/v1/flows', { body: { provider: 'discogs' } });
    expect(answer.json).toMatchObject({ code: 'provider_error', status: 502 });
    expect(answer.json.detail).toContain(REDACTED);
    for (const leak of LEAKS) expect(JSON.stringify(answer.json)).not.toContain(leak);
  });
});
