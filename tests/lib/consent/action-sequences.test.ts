import { describe, expect, it } from 'vitest';
import {
  continueSequence,
  endAllSequences,
  isUnder,
  openSequence,
  SEQUENCE_LIFETIME_MS,
} from '../../../lib/consent/action-sequences';

const UPLOAD = 'https://api.x.com/2/media/upload';
const NOW = 1_700_000_000_000;

describe('isUnder', () => {
  it.each([
    ['the base itself', UPLOAD, UPLOAD],
    ['a path below it', `${UPLOAD}/initialize`, UPLOAD],
    ['a path two segments below it', `${UPLOAD}/123/append`, UPLOAD],
    ['a query on the base (STATUS)', `${UPLOAD}?command=STATUS&media_id=1`, UPLOAD],
    ['a path below a base with a trailing slash', 'https://api.x.com/2/tweets', 'https://api.x.com/2/'],
    ['the default port written out', 'https://api.x.com:443/2/media/upload/1/append', UPLOAD],
    ['a host in capitals', 'https://API.X.COM/2/media/upload/1/append', UPLOAD],
    ['dot segments that stay below it', `${UPLOAD}/1/../2/append`, UPLOAD],
  ])('is true for %s', (_case, url, base) => {
    expect(isUnder(url, base)).toBe(true);
  });

  it.each([
    ['a path that only extends the last segment', 'https://api.x.com/2/media/uploadx', UPLOAD],
    ['a path that extends it with a dot', 'https://api.x.com/2/media/upload.json', UPLOAD],
    ['the parent', 'https://api.x.com/2/media', UPLOAD],
    ['the base without its trailing slash', 'https://api.x.com/2', 'https://api.x.com/2/'],
    ['dot segments that climb out', `${UPLOAD}/../../users`, UPLOAD],
    ['percent-encoded dot segments that climb out', `${UPLOAD}/%2e%2e/%2E%2E/users`, UPLOAD],
    ['another host', 'https://upload.x.com/2/media/upload', UPLOAD],
    ['a look-alike host', 'https://api.x.com.evil.example/2/media/upload', UPLOAD],
    ['another scheme', 'http://api.x.com/2/media/upload', UPLOAD],
    ['another port', 'https://api.x.com:8443/2/media/upload', UPLOAD],
    ['a user name', 'https://alice@api.x.com/2/media/upload', UPLOAD],
    ['a user name and password', 'https://alice:pw@api.x.com/2/media/upload/1/append', UPLOAD],
    ['a relative URL', '/2/media/upload/1/append', UPLOAD],
    ['a base that is not a URL', UPLOAD, 'api.x.com/2/'],
  ])('is false for %s', (_case, url, base) => {
    expect(isUnder(url, base)).toBe(false);
  });
});

/** What the user allowed: 3 more requests under UPLOAD, 100 file bytes, for ten minutes from NOW. */
function grant(overrides: Partial<Parameters<typeof openSequence>[0]> = {}) {
  return openSequence({
    origin: 'https://site.example',
    tabId: 7,
    provider: 'x',
    accountId: 'acc-alice',
    under: UPLOAD,
    requestsLeft: 3,
    bytesLeft: 100,
    expiresAt: NOW + SEQUENCE_LIFETIME_MS,
    ...overrides,
  });
}

const step = {
  origin: 'https://site.example',
  tabId: 7,
  provider: 'x',
  url: `${UPLOAD}/1/append`,
  fileBytes: 0,
};

/** continueSequence's refusal code, or the account it lets the step act as. */
function outcome(id: string, overrides: Partial<Parameters<typeof continueSequence>[1]> = {}, now = NOW) {
  try {
    return { account: continueSequence(id, { ...step, ...overrides }, now) };
  } catch (error) {
    return { code: (error as { code?: unknown }).code, message: (error as Error).message };
  }
}

describe('continueSequence', () => {
  it('lets the steps through as the account the user chose, when they name none or that one', () => {
    const id = grant();
    expect(outcome(id)).toEqual({ account: 'acc-alice' });
    expect(outcome(id, { accountId: 'acc-alice' })).toEqual({ account: 'acc-alice' });
  });

  it('gives each grant its own id', () => {
    expect(grant()).not.toBe(grant());
  });

  it('lets exactly as many steps through as were allowed, then refuses with sequence_refused', () => {
    const id = grant({ requestsLeft: 2 });
    expect(outcome(id)).toEqual({ account: 'acc-alice' });
    expect(outcome(id)).toEqual({ account: 'acc-alice' });
    expect(outcome(id)).toEqual({ code: 'sequence_refused', message: expect.stringContaining('all the requests') });
  });

  it('lets steps upload the bytes shown to the user, and not one more', () => {
    const id = grant();
    expect(outcome(id, { fileBytes: 60 })).toEqual({ account: 'acc-alice' });
    expect(outcome(id, { fileBytes: 41 })).toEqual({
      code: 'sequence_refused',
      message: expect.stringContaining('more than the files shown'),
    });
    // The refused step counted for nothing: the 40 bytes left are still there.
    expect(outcome(id, { fileBytes: 40 })).toEqual({ account: 'acc-alice' });
    expect(outcome(id, { fileBytes: 1 })).toMatchObject({ code: 'sequence_refused' });
  });

  it('allows no file bytes at all when the question showed no files', () => {
    const id = grant({ bytesLeft: 0 });
    expect(outcome(id, { fileBytes: 0 })).toEqual({ account: 'acc-alice' });
    expect(outcome(id, { fileBytes: 1 })).toMatchObject({ code: 'sequence_refused' });
  });

  it('ends at its expiry, for good', () => {
    const expiresAt = NOW + SEQUENCE_LIFETIME_MS;
    const id = grant({ expiresAt });
    expect(outcome(id, {}, expiresAt - 1)).toEqual({ account: 'acc-alice' });
    expect(outcome(id, {}, expiresAt)).toEqual({ code: 'sequence_refused', message: expect.stringContaining('ended') });
    // Gone, not just late: an earlier clock does not bring it back.
    expect(outcome(id, {}, NOW)).toMatchObject({ code: 'sequence_refused' });
  });

  it.each<[string, Partial<Parameters<typeof continueSequence>[1]>, string]>([
    ['another site', { origin: 'https://other.example' }, 'another page'],
    ['the same site over http', { origin: 'http://site.example' }, 'another page'],
    ['another tab of the same site', { tabId: 8 }, 'another page'],
    ['another provider', { provider: 'flickr' }, 'another page'],
    ['another account', { accountId: 'acc-bob' }, 'another account'],
    ['a URL outside the allowed one', { url: 'https://api.x.com/2/tweets' }, 'not under'],
    ['a URL that only extends it', { url: 'https://api.x.com/2/media/uploadx' }, 'not under'],
  ])('refuses a step from %s, without counting it', (_case, overrides, why) => {
    const id = grant({ requestsLeft: 1 });
    expect(outcome(id, overrides)).toEqual({ code: 'sequence_refused', message: expect.stringContaining(why) });
    expect(outcome(id)).toEqual({ account: 'acc-alice' });
  });

  it('refuses an id it never gave, and every id once all sequences are ended', () => {
    expect(outcome(crypto.randomUUID())).toEqual({
      code: 'sequence_refused',
      message: expect.stringContaining('ended'),
    });
    const id = grant();
    endAllSequences();
    expect(outcome(id)).toMatchObject({ code: 'sequence_refused' });
  });
});
