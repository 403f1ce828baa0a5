import 'fake-indexeddb/auto';
import { createStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import {
  ACTIVITY_LIMIT,
  type ActivityEntry,
  appendActivity,
  loggedUrl,
  readActivity,
} from '../../../lib/activity/activity-log';
import { isWrite, parseSignedActionRequest } from '../../../lib/messaging/content-protocol';
import { checkCompanionUrl } from '../../../lib/settings/extension-settings';

const API = 'https://api.x.com/1.1/statuses/update.json';
const valid = { provider: 'x', method: 'POST', url: API, form: [['status', 'hello']] };

/** The parser's refusal, as the channel answers it: InvalidMessage, code invalid_message. */
function refusal(params: unknown) {
  try {
    parseSignedActionRequest(params);
  } catch (error) {
    return { name: (error as Error).constructor.name, code: (error as { code?: unknown }).code };
  }
  return 'accepted';
}

const invalid = { name: 'InvalidMessage', code: 'invalid_message' };

describe('parseSignedActionRequest accepts', () => {
  it('a minimal GET', () => {
    expect(parseSignedActionRequest({ provider: 'x', method: 'GET', url: API })).toEqual({
      provider: 'x',
      method: 'GET',
      url: API,
    });
  });

  it('every field, keeping pairs in order and duplicates', () => {
    const request = {
      provider: 'jira-cloud',
      accountId: 'Acc_1-2',
      method: 'PUT',
      url: 'http://localhost:8788/rest/api',
      query: [
        ['a', '1'],
        ['a', '2'],
      ],
      json: { nested: [1, 'two', null] },
    };
    expect(parseSignedActionRequest(request)).toEqual(request);
  });

  it('a form body for a write and empty pair lists', () => {
    expect(parseSignedActionRequest(valid)).toEqual(valid);
    expect(parseSignedActionRequest({ ...valid, query: [] })).toMatchObject({ query: [] });
  });

  it('exactly 200 pairs, and json of null (a body all the same)', () => {
    const pairs = Array.from({ length: 200 }, (_, i) => [`p${i}`, 'v']);
    expect(parseSignedActionRequest({ ...valid, form: pairs }).form).toHaveLength(200);
    expect(parseSignedActionRequest({ provider: 'x', method: 'POST', url: API, json: null })).toMatchObject({
      json: null,
    });
  });

  it('JSON of exactly 200 000 characters once serialised', () => {
    const json = 'a'.repeat(199_998); // the quotes make 200 000
    expect(parseSignedActionRequest({ provider: 'x', method: 'POST', url: API, json })).toMatchObject({ json });
  });
});

describe('parseSignedActionRequest refuses with invalid_message', () => {
  const manyPairs = Array.from({ length: 201 }, (_, i) => [`p${i}`, 'v']);
  it.each<[string, unknown]>([
    ['not an object', 'GET https://api.x.com/'],
    ['null', null],
    ['an array', [valid]],
    ['an unknown field (a claimed origin)', { ...valid, origin: 'https://trusted.example' }],
    ['a header value with CR LF', { ...valid, headers: { accept: 'x\r\nX-Evil: 1' } }],
    ['a header name with a colon', { ...valid, headers: { 'x:y': '1' } }],
    ['a missing provider', { method: 'GET', url: API }],
    ['a provider id in capitals', { ...valid, provider: 'X' }],
    ['a provider id with a slash', { ...valid, provider: 'x/../y' }],
    ['a provider id too long', { ...valid, provider: `x${'a'.repeat(32)}` }],
    ['a lowercase method', { ...valid, method: 'post' }],
    ['an unsupported method', { ...valid, method: 'HEAD' }],
    ['a relative URL', { ...valid, url: '/1.1/statuses/update.json' }],
    ['a protocol-relative URL', { ...valid, url: '//api.x.com/1.1/' }],
    ['a javascript: URL', { ...valid, url: 'javascript:alert(1)' }],
    ['a data: URL', { ...valid, url: 'data:text/plain,hi' }],
    ['a URL over 4096 characters', { ...valid, url: `https://api.x.com/${'a'.repeat(4096)}` }],
    ['query not a list', { ...valid, query: { status: 'hi' } }],
    ['a pair of three', { ...valid, form: [['a', 'b', 'c']] }],
    ['a pair with a number', { ...valid, form: [['count', 5]] }],
    ['a pair that is a string', { ...valid, query: ['a=b'] }],
    ['more than 200 pairs', { ...valid, form: manyPairs }],
    ['a form and a JSON body', { ...valid, json: { status: 'hello' } }],
    ['a GET with a form', { ...valid, method: 'GET' }],
    ['a GET with a JSON body', { provider: 'x', method: 'GET', url: API, json: {} }],
    ['an oauth_ parameter in the query', { ...valid, query: [['oauth_token', 'stolen']] }],
    ['an oauth_ parameter in the form', { ...valid, form: [['oauth_callback', 'https://evil.example/']] }],
    ['JSON over 200 000 characters', { provider: 'x', method: 'POST', url: API, json: 'a'.repeat(200_000) }],
    ['JSON that cannot be serialised (BigInt)', { provider: 'x', method: 'POST', url: API, json: { n: 1n } }],
    ['JSON that serialises to nothing (a function)', { provider: 'x', method: 'POST', url: API, json: () => 1 }],
    ['an accountId with a slash', { ...valid, accountId: '../accounts' }],
    ['an accountId with a space', { ...valid, accountId: 'a b' }],
    ['an empty accountId', { ...valid, accountId: '' }],
    ['an accountId that is a number', { ...valid, accountId: 42 }],
  ])('%s', (_case, params) => {
    expect(refusal(params)).toEqual(invalid);
  });

  it('a cyclic JSON body (structured cloning keeps cycles)', () => {
    const json: Record<string, unknown> = {};
    json.self = json;
    expect(refusal({ provider: 'x', method: 'POST', url: API, json })).toEqual(invalid);
  });

  // Array.prototype.every skips holes, and structured cloning (Firefox's
  // messaging) keeps them: a sparse list must still be refused as invalid_message.
  it('a sparse pair list (holes are not pairs)', () => {
    expect(refusal({ provider: 'x', method: 'GET', url: API, query: new Array(2) })).toEqual(invalid);
  });

  it('an own "__proto__" key (as structured cloning of a parsed object can give)', () => {
    expect(refusal(JSON.parse('{"provider":"x","method":"GET","url":"https://api.x.com/","__proto__":{}}'))).toEqual(
      invalid,
    );
  });
});

describe('isWrite', () => {
  it('is false for GET only', () => {
    expect(isWrite('GET')).toBe(false);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) expect(isWrite(method)).toBe(true);
  });
});

describe('checkCompanionUrl', () => {
  it.each([
    ['https://companion.example.com', 'https://companion.example.com'],
    ['https://companion.example.com/', 'https://companion.example.com'],
    ['https://companion.example.com/base//', 'https://companion.example.com/base'],
    ['  https://Companion.Example.com:443/  ', 'https://companion.example.com'],
    ['http://127.0.0.1:8787', 'http://127.0.0.1:8787'],
    ['http://localhost:8787/', 'http://localhost:8787'],
    ['http://[::1]:8787', 'http://[::1]:8787'],
  ])('accepts %s as %s', (input, url) => {
    expect(checkCompanionUrl(input)).toEqual({ ok: true, url });
  });

  it.each([
    ['not a URL', 'companion.example.com'],
    ['plain HTTP to another machine', 'http://companion.example.com'],
    ['plain HTTP to a LAN address', 'http://192.168.1.10:8787'],
    ['a user name', 'https://user@companion.example.com'],
    ['a user name and password', 'https://user:pw@companion.example.com'],
    ['a query', 'https://companion.example.com/?token=1'],
    ['a fragment', 'https://companion.example.com/#x'],
    ['another scheme', 'ftp://companion.example.com'],
  ])('refuses %s', (_case, input) => {
    expect(checkCompanionUrl(input)).toEqual({ ok: false, reason: expect.any(String) });
  });
});

describe('the activity log', () => {
  it('logs a URL without its query, fragment or credentials', () => {
    expect(loggedUrl('https://api.x.com/1.1/search.json?q=secret#frag')).toBe('https://api.x.com/1.1/search.json');
    expect(loggedUrl('https://user:pw@api.x.com:8443/a/b?x=1')).toBe('https://api.x.com:8443/a/b');
  });

  it(`keeps the newest ${ACTIVITY_LIMIT} entries, newest first`, async () => {
    const store = createStore(`test-${crypto.randomUUID()}`, 'state');
    const entry = (n: number): ActivityEntry => ({
      id: `entry-${n}`,
      at: n,
      // Four sites: a single one may keep only part of the log (tests/lib/activity).
      origin: `https://site-${n % 4}.example`,
      provider: 'x',
      account: null,
      method: 'GET',
      url: 'https://api.x.com/1.1/a.json',
      outcome: { kind: 'sent', status: 200 },
    });
    for (let n = 1; n <= ACTIVITY_LIMIT + 5; n++) await appendActivity(store, entry(n));
    const entries = await readActivity(store);
    expect(entries).toHaveLength(ACTIVITY_LIMIT);
    expect(entries[0]?.id).toBe(`entry-${ACTIVITY_LIMIT + 5}`);
    expect(entries.at(-1)?.id).toBe('entry-6');
    expect(await readActivity(store, 3)).toEqual([
      entry(ACTIVITY_LIMIT + 5),
      entry(ACTIVITY_LIMIT + 4),
      entry(ACTIVITY_LIMIT + 3),
    ]);
  });
});
