import 'fake-indexeddb/auto';
import { createStore } from 'idb-keyval';
import { describe, expect, it, vi } from 'vitest';
import { readAccounts } from '../../../lib/accounts/accounts';
import { readActivity } from '../../../lib/activity/activity-log';
import type { CompanionClient } from '../../../lib/companion-client/client';
import { settleQuestion } from '../../../lib/consent/consent-broker';
import { type ConsentQuestion, readQuestion } from '../../../lib/consent/consent-questions';
import { type ContentSender, judgeContentSender } from '../../../lib/consent/content-sender';
import type { SignedActionDeps } from '../../../lib/consent/signed-action';
import { changeState } from '../../../lib/flows/flow-state';
import type { Account } from '../../../lib/protocol';
import { guardStore } from '../../../lib/storage/registry';
import { handleSignedAction } from '../../support/signed-action-world';

const OWN_ID = 'our-extension-id';

/** Our content script in the top frame of a tab, as Chrome reports it. */
function chromeSender(pageUrl: string, overrides: Partial<ContentSender> = {}): ContentSender {
  return {
    id: OWN_ID,
    url: pageUrl,
    origin: new URL(pageUrl).origin,
    frameId: 0,
    tab: { id: 7, url: pageUrl },
    ...overrides,
  };
}

describe('judgeContentSender accepts', () => {
  it.each<[string, ContentSender, string]>([
    ['an https top frame', chromeSender('https://site.example/compose?draft=1'), 'https://site.example'],
    ['an https page on another port', chromeSender('https://site.example:8443/'), 'https://site.example:8443'],
    ['http on 127.0.0.1', chromeSender('http://127.0.0.1:8788/demo'), 'http://127.0.0.1:8788'],
    ['http on localhost', chromeSender('http://localhost/'), 'http://localhost'],
    ['http on [::1]', chromeSender('http://[::1]:8788/'), 'http://[::1]:8788'],
    [
      'a Firefox sender (no origin field: the URL decides)',
      { id: OWN_ID, url: 'https://site.example/page', frameId: 0, tab: { id: 3, url: 'https://site.example/other' } },
      'https://site.example',
    ],
    [
      'a sender whose tab URL is not visible (no tabs permission)',
      { id: OWN_ID, url: 'https://site.example/', origin: 'https://site.example', frameId: 0, tab: { id: 3 } },
      'https://site.example',
    ],
  ])('%s', (_case, sender, origin) => {
    expect(judgeContentSender(sender, OWN_ID)).toEqual({ ok: true, origin, tabId: sender.tab?.id });
  });
});

describe('judgeContentSender refuses', () => {
  it.each<[string, ContentSender]>([
    ['another extension', chromeSender('https://site.example/', { id: 'evil-extension' })],
    ['a sender without an id', chromeSender('https://site.example/', { id: undefined })],
    ['a sender not in a tab (no tab)', chromeSender('https://site.example/', { tab: undefined })],
    ['a tab without an id', chromeSender('https://site.example/', { tab: { url: 'https://site.example/' } })],
    ['TAB_ID_NONE', chromeSender('https://site.example/', { tab: { id: -1, url: 'https://site.example/' } })],
    [
      'a frame of another origin inside an allowed page',
      { ...chromeSender('https://ads.example/frame'), frameId: 5, tab: { id: 7, url: 'https://site.example/' } },
    ],
    ['a frame of the same origin', chromeSender('https://site.example/embed', { frameId: 2 })],
    ['a sender without a frameId', chromeSender('https://site.example/', { frameId: undefined })],
    [
      'sender.origin disagreeing with sender.url',
      chromeSender('https://site.example/', { origin: 'https://evil.example' }),
    ],
    [
      'a tab that moved to another origin',
      chromeSender('https://site.example/', { tab: { id: 7, url: 'https://evil.example/' } }),
    ],
    ['a tab URL that is not a URL', chromeSender('https://site.example/', { tab: { id: 7, url: '' } })],
    ['http on another machine', chromeSender('http://site.example/')],
    ['http on a LAN address', chromeSender('http://192.168.1.20:8788/')],
    ['http on a name that only starts like localhost', chromeSender('http://localhost.evil.example/')],
    ['a data: URL (opaque origin)', { id: OWN_ID, url: 'data:text/html,<p>hi', frameId: 0, tab: { id: 7 } }],
    ['a sandboxed page (origin "null")', chromeSender('https://site.example/sandboxed', { origin: 'null' })],
    ['about:blank', { id: OWN_ID, url: 'about:blank', frameId: 0, tab: { id: 7 } }],
    [
      'an extension page',
      {
        id: OWN_ID,
        url: 'chrome-extension://our-extension-id/popup.html',
        origin: 'chrome-extension://our-extension-id',
        frameId: 0,
        tab: { id: 7, url: 'chrome-extension://our-extension-id/popup.html' },
      },
    ],
    ['a file: URL', { id: OWN_ID, url: 'file:///home/me/page.html', frameId: 0, tab: { id: 7 } }],
    ['an ftp: URL', chromeSender('ftp://site.example/')],
    ['a missing URL', { id: OWN_ID, origin: 'https://site.example', frameId: 0, tab: { id: 7 } }],
    ['a URL that does not parse', { id: OWN_ID, url: 'not a url', frameId: 0, tab: { id: 7 } }],
  ])('%s', (_case, sender) => {
    expect(judgeContentSender(sender, OWN_ID)).toEqual({ ok: false, reason: expect.any(String) });
  });
});

describe('the message’s own claims never matter', () => {
  const ALICE: Account = {
    id: 'acc-alice',
    provider: 'x',
    userId: '1',
    screenName: 'alice',
    createdAt: '2024-01-01T00:00:00.000Z',
    lastUsedAt: null,
    status: 'active',
    access: 'write',
    expiresAt: null,
  };
  const GET = { provider: 'x', method: 'GET', url: 'https://api.x.com/1.1/account/verify_credentials.json' };

  /** performSignedAction with one account, a companion that answers 200, and a user who says "once". */
  async function setup() {
    const store = guardStore(createStore(`test-${crypto.randomUUID()}`, 'state'));
    await changeState(store, (s) => [{ ...s, accounts: [ALICE] }, undefined]);
    const questions: ConsentQuestion[] = [];
    const request = vi.fn(async () => ({ status: 200, headers: {}, body: '', bodyEncoding: 'utf8' as const }));
    const providers = async () => [
      { id: 'x', name: 'X', modes: ['callback' as const], apiBaseUrls: ['https://api.x.com/1.1/'] },
    ];
    const deps: SignedActionDeps = {
      store,
      client: { providers, request } as unknown as CompanionClient,
      providers,
      consentWindow: {
        open: async (id) => {
          questions.push((await readQuestion(store, id)) as ConsentQuestion);
          setTimeout(() => void settleQuestion(deps, id, { decision: 'once' }), 0);
          return 1;
        },
        close: async () => undefined,
        focus: async () => undefined,
      },
      now: () => 1000,
      ownId: OWN_ID,
      consentTimeoutMs: 5_000,
      accounts: () => readAccounts(store),
      refreshAccounts: async () => [ALICE],
    };
    return { deps, questions, request };
  }

  it('refuses a request that names an origin of its own (invalid_message), and logs nothing', async () => {
    const { deps, questions, request } = await setup();
    const sender = chromeSender('https://site.example/');
    await expect(handleSignedAction(deps, sender, { ...GET, origin: 'https://trusted.example' })).rejects.toMatchObject(
      { code: 'invalid_message' },
    );
    expect(questions).toEqual([]);
    expect(request).not.toHaveBeenCalled();
    expect(await readActivity(deps.store)).toEqual([]);
  });

  it('acts for the origin of sender.url: the question and the log carry it', async () => {
    const { deps, questions } = await setup();
    const firefox: ContentSender = { id: OWN_ID, url: 'https://site.example/page?x=1', frameId: 0, tab: { id: 4 } };
    await handleSignedAction(deps, firefox, GET);
    expect(questions.map((q) => q.origin)).toEqual(['https://site.example']);
    expect((await readActivity(deps.store)).map((e) => e.origin)).toEqual(['https://site.example']);
  });
});
