import 'fake-indexeddb/auto';
import { createStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import {
  chooseAccount,
  consentNeeded,
  grantSiteConsent,
  listSiteConsents,
  pruneSiteConsents,
  revokeSiteConsent,
  type SiteConsent,
  setConfirmWrites,
  touchSiteConsent,
} from '../../../lib/consent/site-consents';
import type { Account } from '../../../lib/protocol';
import { guardStore } from '../../../lib/storage/registry';

const SITE = 'https://site.example';
const OTHER_SITE = 'https://other.example';

function freshStore() {
  return guardStore(createStore(`test-${crypto.randomUUID()}`, 'state'));
}

function account(id: string, overrides: Partial<Account> = {}): Account {
  return {
    id,
    provider: 'x',
    userId: `user-${id}`,
    screenName: `name-${id}`,
    createdAt: '2024-01-01T00:00:00.000Z',
    lastUsedAt: null,
    status: 'active',
    access: 'write',
    expiresAt: null,
    ...overrides,
  };
}

function consent(origin: string, accountId: string, overrides: Partial<SiteConsent> = {}): SiteConsent {
  return {
    origin,
    provider: 'x',
    accountId,
    screenName: `name-${accountId}`,
    confirmWrites: false,
    grantedAt: 1000,
    lastUsedAt: null,
    ...overrides,
  };
}

describe('stored site consents', () => {
  it('start empty', async () => {
    expect(await listSiteConsents(freshStore())).toEqual([]);
  });

  it('are listed by origin, then by when they were granted', async () => {
    const store = freshStore();
    await grantSiteConsent(store, consent(SITE, 'b', { grantedAt: 3 }));
    await grantSiteConsent(store, consent(OTHER_SITE, 'a', { grantedAt: 9 }));
    await grantSiteConsent(store, consent(SITE, 'a', { grantedAt: 2 }));
    expect((await listSiteConsents(store)).map((c) => `${c.origin} ${c.accountId}`)).toEqual([
      `${OTHER_SITE} a`,
      `${SITE} a`,
      `${SITE} b`,
    ]);
  });

  it('replace the consent of the same origin and account when granted again', async () => {
    const store = freshStore();
    await grantSiteConsent(store, consent(SITE, 'a', { confirmWrites: true }));
    await grantSiteConsent(store, consent(SITE, 'a', { grantedAt: 2000 }));
    expect(await listSiteConsents(store)).toEqual([consent(SITE, 'a', { grantedAt: 2000 })]);
  });

  it('record their last use, and ignore a touch of a consent that does not exist', async () => {
    const store = freshStore();
    await grantSiteConsent(store, consent(SITE, 'a'));
    await touchSiteConsent(store, SITE, 'a', 5000);
    await touchSiteConsent(store, SITE, 'missing', 6000);
    await touchSiteConsent(store, OTHER_SITE, 'a', 7000);
    expect(await listSiteConsents(store)).toEqual([consent(SITE, 'a', { lastUsedAt: 5000 })]);
  });

  it('switch confirmWrites on and off, and create nothing for an unknown pair', async () => {
    const store = freshStore();
    await grantSiteConsent(store, consent(SITE, 'a'));
    await setConfirmWrites(store, SITE, 'a', true);
    expect((await listSiteConsents(store))[0]?.confirmWrites).toBe(true);
    await setConfirmWrites(store, SITE, 'a', false);
    expect((await listSiteConsents(store))[0]?.confirmWrites).toBe(false);
    await setConfirmWrites(store, OTHER_SITE, 'a', true);
    expect(await listSiteConsents(store)).toHaveLength(1);
  });

  it('revoke one account of an origin, leaving its other accounts and other origins', async () => {
    const store = freshStore();
    await grantSiteConsent(store, consent(SITE, 'a'));
    await grantSiteConsent(store, consent(SITE, 'b'));
    await grantSiteConsent(store, consent(OTHER_SITE, 'a'));
    expect(await revokeSiteConsent(store, SITE, 'a')).toBe(1);
    expect((await listSiteConsents(store)).map((c) => `${c.origin} ${c.accountId}`)).toEqual([
      `${OTHER_SITE} a`,
      `${SITE} b`,
    ]);
  });

  it('revoke all accounts of an origin, and count nothing for an origin without any', async () => {
    const store = freshStore();
    await grantSiteConsent(store, consent(SITE, 'a'));
    await grantSiteConsent(store, consent(SITE, 'b'));
    await grantSiteConsent(store, consent(OTHER_SITE, 'a'));
    expect(await revokeSiteConsent(store, SITE)).toBe(2);
    expect(await revokeSiteConsent(store, 'https://never.example')).toBe(0);
    expect(await listSiteConsents(store)).toEqual([consent(OTHER_SITE, 'a')]);
  });

  it('go with their account when the account is gone', async () => {
    const store = freshStore();
    await grantSiteConsent(store, consent(SITE, 'kept'));
    await grantSiteConsent(store, consent(SITE, 'gone'));
    await grantSiteConsent(store, consent(OTHER_SITE, 'gone'));
    await pruneSiteConsents(store, [account('kept')]);
    expect(await listSiteConsents(store)).toEqual([consent(SITE, 'kept')]);
    await pruneSiteConsents(store, []);
    expect(await listSiteConsents(store)).toEqual([]);
  });
});

describe('chooseAccount', () => {
  it('takes a named account of the provider', () => {
    const accounts = [account('a'), account('b')];
    expect(chooseAccount(accounts, [], SITE, 'x', 'b')).toEqual({ kind: 'account', account: account('b') });
  });

  it('refuses a named account of another provider', () => {
    const accounts = [account('a'), account('t', { provider: 'tumblr' })];
    expect(chooseAccount(accounts, [], SITE, 'x', 't')).toEqual({
      kind: 'none',
      reason: expect.any(String),
      problem: 'not-found',
    });
  });

  it('refuses a named account that is not the user’s', () => {
    expect(chooseAccount([account('a')], [], SITE, 'x', 'someone-else')).toMatchObject({ kind: 'none' });
  });

  it('refuses a named account that needs to be connected again', () => {
    const accounts = [account('a', { status: 'invalid' }), account('b')];
    expect(chooseAccount(accounts, [], SITE, 'x', 'a')).toMatchObject({ kind: 'none' });
  });

  it('never picks an invalid account on its own, and says it must be connected again', () => {
    const choice = chooseAccount([account('a', { status: 'invalid' })], [], SITE, 'x', undefined);
    expect(choice).toEqual({
      kind: 'none',
      reason: expect.stringContaining('connected again'),
      problem: 'needs-reconnecting',
    });
  });

  it('skips an invalid account when a usable one is there', () => {
    const accounts = [account('a', { status: 'invalid' }), account('b')];
    expect(chooseAccount(accounts, [], SITE, 'x', undefined)).toEqual({ kind: 'account', account: account('b') });
  });

  it('prefers the account this site was allowed to use among several', () => {
    const accounts = [account('a'), account('b'), account('c')];
    const consents = [consent(OTHER_SITE, 'a'), consent(SITE, 'b')];
    expect(chooseAccount(accounts, consents, SITE, 'x', undefined)).toEqual({ kind: 'account', account: account('b') });
  });

  it('takes the only account of the provider', () => {
    const accounts = [account('a'), account('t', { provider: 'tumblr' })];
    expect(chooseAccount(accounts, [], SITE, 'x', undefined)).toEqual({ kind: 'account', account: account('a') });
  });

  it('lets the user choose among several when no consent picks one (another site’s consent does not)', () => {
    const accounts = [account('a'), account('b'), account('t', { provider: 'tumblr' })];
    expect(chooseAccount(accounts, [consent(OTHER_SITE, 'b')], SITE, 'x', undefined)).toEqual({
      kind: 'choose',
      accounts: [account('a'), account('b')],
    });
  });

  it('says how to connect one when none of the provider is connected', () => {
    const choice = chooseAccount([account('t', { provider: 'tumblr' })], [], SITE, 'x', undefined);
    expect(choice).toEqual({
      kind: 'none',
      reason: expect.stringMatching(/no x account is connected.*connect one/),
      problem: 'none-connected',
    });
  });
});

describe('consentNeeded', () => {
  it('asks on first use of an account by a site (a consent elsewhere does not count)', () => {
    expect(consentNeeded([], SITE, 'a', 'GET')).toBe('first-use');
    expect(consentNeeded([consent(OTHER_SITE, 'a'), consent(SITE, 'b')], SITE, 'a', 'GET')).toBe('first-use');
  });

  it('asks for every write when the site must confirm writes', () => {
    const consents = [consent(SITE, 'a', { confirmWrites: true })];
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      expect(consentNeeded(consents, SITE, 'a', method)).toBe('write');
    }
  });

  it('lets reads through when the site must confirm writes', () => {
    expect(consentNeeded([consent(SITE, 'a', { confirmWrites: true })], SITE, 'a', 'GET')).toBe('none');
  });

  it('lets writes through with an "always" that does not confirm writes', () => {
    expect(consentNeeded([consent(SITE, 'a')], SITE, 'a', 'POST')).toBe('none');
  });
});
