/**
 * The extension in Firefox ESR, doing what a user does: the same companion and
 * dev provider as the Chromium tests (global setup), the Firefox MV3 build
 * (an event page, not a service worker), driven over WebDriver BiDi.
 */
import type { Page } from 'puppeteer-core';
import { peek } from '../support/dev-provider-peek';
import { extensionStorageText } from '../support/extension-storage';
import { DEV_PROVIDER_PORT } from '../support/global-setup';
import {
  clickButton,
  expect,
  expectText,
  extensionUrl,
  type FirefoxExtension,
  test,
  textOf,
} from './support/firefox-extension';

const PROVIDER = `http://127.0.0.1:${DEV_PROVIDER_PORT}`;

async function openPopup(firefox: FirefoxExtension): Promise<Page> {
  const popup = await firefox.openExtensionPage('popup.html');
  await expectText(popup, 'Connect Dev provider');
  return popup;
}

async function closes(page: Page) {
  await expect.poll(() => page.isClosed(), { message: 'the page closes' }).toBe(true);
}

/**
 * Asks the browser itself, through the extension's tabs API: puppeteer hears of
 * a tab closing, but not of a popup window the extension removes.
 */
async function consentWindowCloses(extensionPage: Page) {
  const consentTabs = () =>
    extensionPage.evaluate(async (prefix) => {
      const { tabs } = (
        globalThis as unknown as { browser: { tabs: { query(q: object): Promise<{ url?: string }[]> } } }
      ).browser;
      return (await tabs.query({})).filter((tab) => tab.url?.startsWith(prefix)).length;
    }, extensionUrl('consent.html'));
  await expect.poll(consentTabs, { message: 'the consent window closes' }).toBe(0);
}

/** Connect, then Authorize as `user` at the provider; the background closes that tab. */
async function connect(firefox: FirefoxExtension, popup: Page, user: 'alice' | 'bob' = 'alice') {
  await clickButton(popup, 'Connect Dev provider');
  const provider = await firefox.pageAt(`${PROVIDER}/oauth/authorize?`);
  await expectText(provider, /Authorize .* to use your account\?/);
  await chooseUser(provider, user);
  await clickButton(provider, 'Authorize app');
  await closes(provider);
  await expectText(popup, `Connected @${user}.`);
}

async function chooseUser(provider: Page, user: string) {
  const value = await provider.evaluate(
    (name) => [...document.querySelectorAll('option')].find((o) => o.text.startsWith(`@${name} `))?.value ?? '',
    user,
  );
  expect(value).not.toBe('');
  await provider.select('select[name=user_id]', value);
}

test('installs as a temporary add-on; the popup reaches the companion and offers its provider', async ({ firefox }) => {
  const popup = await openPopup(firefox);
  const manifest = await popup.evaluate(() => {
    const { runtime } = (
      globalThis as unknown as { browser: { runtime: { id: string; getManifest(): Record<string, unknown> } } }
    ).browser;
    const m = runtime.getManifest();
    return { id: runtime.id, version: m.manifest_version, background: m.background };
  });
  // Firefox runs the background as an event page, not a service worker.
  expect(manifest).toMatchObject({
    id: 'oauth1-connect@extension.local',
    version: 3,
    background: { scripts: [extensionUrl('background.js')], service_worker: null },
  });
  await expectText(popup, 'Companion reachable.');
  await expectText(popup, 'No account connected yet.');
});

test('connects with the callback: the tabs API sees it, the authorize tab closes, @alice is listed', async ({
  firefox,
}) => {
  const popup = await openPopup(firefox);
  await connect(firefox, popup);
  await expectText(popup, /@alice \(dev\)\s+Connected/);
  expect((await peek()).accessTokens.at(-1)?.user).toBe('alice');
});

test('connects with a PIN typed into the popup', async ({ firefox }) => {
  const popup = await openPopup(firefox);
  await clickButton(popup, 'Use a PIN instead');
  const provider = await firefox.pageAt(`${PROVIDER}/oauth/authorize?`);
  await chooseUser(provider, 'bob');
  await clickButton(provider, 'Authorize app');
  await expectText(provider, 'Enter this PIN');
  const pin = await provider.$eval('[data-testid=pin]', (p) => p.textContent ?? '');
  expect(pin).toMatch(/^\d{7}$/);
  // Back to the popup, as the user does (a tab in the background gets no animation frames, which locators wait for).
  await popup.bringToFront();
  await popup.locator('section[aria-label^="Connecting"] input').fill(pin);
  await clickButton(popup, 'Submit PIN');
  await expectText(popup, /@bob \(dev\)/);
});

test('revokes an account: the popup no longer lists it and the provider refuses its token', async ({ firefox }) => {
  const popup = await openPopup(firefox);
  await connect(firefox, popup);
  const issued = (await peek()).accessTokens.at(-1);
  await clickButton(popup, 'Revoke @alice');
  await clickButton(popup, 'Yes, revoke');
  await expectText(popup, 'No account connected yet.');
  expect((await peek()).accessTokens.map((t) => t.token)).not.toContain(issued?.token);
});

test('a page asks to post: the consent window shows the request; Allow once posts it, Deny refuses the next', async ({
  firefox,
}) => {
  const popup = await openPopup(firefox);
  await connect(firefox, popup);
  const demo = await firefox.browser.newPage();
  await demo.goto(`${PROVIDER}/demo`);
  await expectText(demo, 'The OAuth 1.0a Connect extension is active');

  const text = `from Firefox ${Date.now()}`;
  const consent = await postAndGetConsent(firefox, demo, text);
  const shown = await textOf(consent);
  expect(shown).toContain(PROVIDER); // the asking site
  expect(shown).toContain(`POST ${PROVIDER}/1.1/statuses/update.json`);
  expect(shown).toContain(text); // what will be posted, before it is
  await clickButton(consent, 'Allow once');
  await consentWindowCloses(popup);
  await expect.poll(() => demo.$eval('[role=status]', (p) => p.textContent)).toBe('Posted as @alice.');
  expect((await peek()).statuses).toContain(text);

  const refused = `refused in Firefox ${Date.now()}`;
  const again = await postAndGetConsent(firefox, demo, refused);
  await clickButton(again, 'Deny');
  await consentWindowCloses(popup);
  await expect.poll(() => demo.$eval('[role=status]', (p) => p.textContent)).toContain('consent_denied');
  expect((await peek()).statuses).not.toContain(refused);
});

async function postAndGetConsent(firefox: FirefoxExtension, demo: Page, text: string): Promise<Page> {
  await demo.locator('#status').fill(text);
  await demo.locator('button[type=submit]').click();
  const consent = await firefox.pageAt(extensionUrl('consent.html?'));
  await expectText(consent, 'Allow once');
  return consent;
}

test('no consumer secret and no token secret in the extension: storage areas or IndexedDB', async ({ firefox }) => {
  const popup = await openPopup(firefox);
  await connect(firefox, popup, 'bob');
  const issued = await peek();
  const secrets = [issued.consumerSecret, ...issued.accessTokens.map((t) => t.secret), ...issued.requestTokenSecrets];
  expect(issued.accessTokens.length).toBeGreaterThan(0);

  // Read from one of its pages: the same origin as the background.
  const stored = await popup.evaluate(extensionStorageText);
  expect(stored).toContain('bob'); // the account metadata is there…
  expect(stored).toContain('CryptoKey(private, extractable=false)');
  for (const secret of secrets) expect(stored).not.toContain(secret); // …no secret is
  for (const token of issued.accessTokens.map((t) => t.token)) expect(stored).not.toContain(token);
});
