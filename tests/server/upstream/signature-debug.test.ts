import { createHmac } from 'node:crypto';
import { type Context, Hono } from 'hono';
import OAuth1a from 'oauth-1.0a';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { type Parameter, parseAuthorizationHeader, parseFormEncoded, percentEncode } from '../../../lib/oauth1';
import { REDACTED, secretForms } from '../../../server/upstream/secret-redaction';
import { makeHarness } from '../../support/companion-harness';
import { toPeerObject } from '../../support/request-arbitraries';
import { connectAtStub, STUB_REQUEST_TOKEN, stubProvider, withTokenEndpoints } from '../support/stub-provider';

// Reserved and non-ASCII characters, so that the raw, once- and twice-encoded forms all differ.
const CONSUMER_SECRET = 'x consumer+secret/0123&456=789 ü';
const TOKEN_SECRET = 'x token/secret+9876&543=210 é';
const VERIFIER = 'verifier-Zq81xK';
const COULD_NOT_AUTHENTICATE = { errors: [{ code: 32, message: 'Could not authenticate you.' }] };
/** Every form in which a secret could be written, and each secret as it is. */
const LEAKS = [...secretForms(CONSUMER_SECRET, TOKEN_SECRET), CONSUMER_SECRET, TOKEN_SECRET];

interface Received {
  readonly authorization: string;
  /** The base string as the provider computes it, with oauth-1.0a (an implementation independent of ours). */
  readonly baseString: string;
}

/**
 * What a provider does with a request: the base string over its method, URL
 * (query and form parameters given decoded, as oauth-1.0a wants them) and the
 * Authorization header's parameters.
 */
async function received(c: Context): Promise<Received> {
  const authorization = c.req.header('authorization') ?? '';
  const url = new URL(c.req.url);
  const form = c.req.method === 'GET' ? [] : parseFormEncoded(await c.req.text());
  const protocol = parseAuthorizationHeader(authorization).parameters.filter(([name]) => name !== 'oauth_signature');
  const peer = new OAuth1a({
    consumer: { key: '', secret: '' },
    signature_method: 'HMAC-SHA1',
    hash_function: () => '',
  });
  const baseString = peer.getBaseString(
    { url: `${url.origin}${url.pathname}`, method: c.req.method, data: toPeerObject([...url.searchParams, ...form]) },
    Object.fromEntries(protocol) as unknown as OAuth1a.Data,
  );
  return { authorization, baseString };
}

/** X, with token endpoints that work (or an access_token that refuses) and API calls that X refuses with 401. */
async function setUp(options: { debugSignatures: boolean; accessToken?: 'refused'; apiAnswer?: 'code 135' }) {
  const seen: Received[] = [];
  const refuse = async (c: Context) => {
    seen.push(await received(c));
    if (options.apiAnswer === 'code 135') {
      const date = new Date(Date.now() + 3_600_000).toUTCString();
      return c.json({ errors: [{ code: 135, message: 'Timestamp out of bounds.' }] }, 401, { date });
    }
    return c.json(COULD_NOT_AUTHENTICATE, 401);
  };
  const app = new Hono();
  if (options.accessToken === 'refused') {
    app.post('/oauth/access_token', refuse);
  }
  withTokenEndpoints(app, '/oauth', {
    token: 'x-access-token',
    tokenSecret: TOKEN_SECRET,
    extra: { user_id: '42', screen_name: 'xuser' },
  })
    .post('/1.1/statuses/update.json', refuse)
    .get('/1.1/statuses/home_timeline.json', refuse);
  const lines: string[] = [];
  const h = await makeHarness({
    extraProviders: [{ provider: stubProvider(CONSUMER_SECRET, { id: 'x' }), fetch: (r) => app.fetch(r) }],
    logger: pino({ level: 'warn' }, { write: (line: string) => lines.push(line) }),
    debugSignatures: options.debugSignatures,
  });
  const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { h, seen, lines, logged };
}

const tweet = { method: 'POST', url: 'https://api.x.com/1.1/statuses/update.json?include_entities=true' };
const form: Parameter[] = [
  ['status', 'Hello Ladies + Gentlemen, a signed OAuth request! ☃'],
  ['trim_user', '1'],
];

describe('DEBUG_SIGNATURES: the base string of a call the provider refuses with 401', () => {
  it('is logged for a proxied call, equal to the provider’s and to what was signed, and no secret is logged', async () => {
    const { h, seen, lines, logged } = await setUp({ debugSignatures: true });
    const account = await connectAtStub(h, 'x');
    const answer = await h.call('POST', `/v1/accounts/${account.id}/requests`, { body: { ...tweet, form } });
    expect(answer.json.status).toBe(401); // the extension still gets X's answer

    expect(logged()).toHaveLength(1);
    const entry = logged()[0] as Record<string, string | number>;
    expect(entry).toMatchObject({
      level: 40,
      provider: 'x',
      method: 'POST',
      url: 'https://api.x.com/1.1/statuses/update.json',
      status: 401,
      signatureMethod: 'HMAC-SHA1',
      answer: JSON.stringify(COULD_NOT_AUTHENTICATE),
    });
    expect(entry.baseString).toBe(seen[0]?.baseString);
    expect(entry.baseString).toContain('include_entities%3Dtrue');
    // It is what was signed: HMAC-SHA1 over it, with the two secrets, is the signature X received.
    const sent = Object.fromEntries(parseAuthorizationHeader(seen[0]?.authorization ?? '').parameters);
    const key = `${percentEncode(CONSUMER_SECRET)}&${percentEncode(TOKEN_SECRET)}`;
    expect(createHmac('sha1', key).update(String(entry.baseString)).digest('base64')).toBe(sent.oauth_signature);

    const output = lines.join('\n');
    for (const leak of LEAKS) expect(output).not.toContain(leak);
  });

  it('is logged for a token call, with oauth_verifier’s value replaced', async () => {
    const { h, seen, lines, logged } = await setUp({ debugSignatures: true, accessToken: 'refused' });
    const created = await h.call('POST', '/v1/flows', { body: { provider: 'x' } });
    const completed = await h.call('POST', `/v1/flows/${created.json.flowId}/complete`, {
      body: { oauthToken: STUB_REQUEST_TOKEN, oauthVerifier: VERIFIER },
    });
    expect(completed.json.code).toBe('provider_error');

    const entry = logged()[0] as Record<string, string>;
    expect(entry.url).toBe('https://api.x.com/oauth/access_token');
    const providers = seen[0]?.baseString ?? '';
    expect(providers).toContain(`oauth_verifier%3D${VERIFIER}`);
    expect(entry.baseString).toBe(providers.replace(`oauth_verifier%3D${VERIFIER}`, `oauth_verifier%3D${REDACTED}`));
    expect(entry.baseString).toContain(`oauth_token%3D${STUB_REQUEST_TOKEN}`);
    expect(lines.join('\n')).not.toContain(VERIFIER);
  });

  it('is logged once for X’s error 135, for the call signed again with X’s clock', async () => {
    const { h, seen, logged } = await setUp({ debugSignatures: true, apiAnswer: 'code 135' });
    const account = await connectAtStub(h, 'x');
    await h.call('POST', `/v1/accounts/${account.id}/requests`, {
      body: { method: 'GET', url: 'https://api.x.com/1.1/statuses/home_timeline.json?count=5' },
    });
    expect(seen).toHaveLength(2);
    expect(logged()).toHaveLength(1);
    expect(logged()[0]?.baseString).toBe(seen[1]?.baseString);
    expect(seen[1]?.baseString).not.toBe(seen[0]?.baseString);
  });

  it('is not logged when the switch is off', async () => {
    const { h, seen, lines } = await setUp({ debugSignatures: false });
    const account = await connectAtStub(h, 'x');
    const answer = await h.call('POST', `/v1/accounts/${account.id}/requests`, { body: { ...tweet, form } });
    expect(answer.json.status).toBe(401);
    expect(seen).toHaveLength(1);
    expect(lines).toEqual([]);
  });
});

describe('DEBUG_SIGNATURES with PLAINTEXT, whose Authorization header is made of the secrets', () => {
  it('logs no form of them, even when the provider’s 401 echoes that header', async () => {
    const app = withTokenEndpoints(new Hono(), '/oauth', { token: 'discogs-token', tokenSecret: TOKEN_SECRET })
      .get('/oauth/identity', (c) => c.json({ id: 7, username: 'crate-digger' }))
      .get('/releases/1', (c) =>
        c.json({ message: 'You must authenticate', received: c.req.header('authorization') }, 401),
      );
    const lines: string[] = [];
    const h = await makeHarness({
      extraProviders: [{ provider: stubProvider(CONSUMER_SECRET, { id: 'discogs' }), fetch: (r) => app.fetch(r) }],
      logger: pino({ level: 'warn' }, { write: (line: string) => lines.push(line) }),
      debugSignatures: true,
    });
    const account = await connectAtStub(h, 'discogs');
    await h.call('POST', `/v1/accounts/${account.id}/requests`, {
      body: { method: 'GET', url: 'https://api.discogs.com/releases/1' },
    });

    const refused = lines.map((line) => JSON.parse(line) as Record<string, string>).find((entry) => entry.baseString);
    expect(refused).toMatchObject({ provider: 'discogs', signatureMethod: 'PLAINTEXT' });
    expect(refused?.answer).toContain(REDACTED);
    const output = lines.join('\n');
    for (const leak of LEAKS) expect(output).not.toContain(leak);
  });
});
