/**
 * What a user does in Firefox, step by step: the popup, the dev provider's
 * authorize page, the demo app and its consent window.
 */
import type { Page } from 'puppeteer-core';
import { DEV_PROVIDER_PORT } from '../../support/global-setup';
import { addressOf, clickButton, expect, expectText, extensionUrl, type FirefoxExtension } from './firefox-extension';

export const PROVIDER = `http://127.0.0.1:${DEV_PROVIDER_PORT}`;

export async function openPopup(firefox: FirefoxExtension): Promise<Page> {
  const popup = await firefox.openExtensionPage('popup.html');
  await expectText(popup, 'Connect Dev provider');
  return popup;
}

export async function closes(page: Page) {
  await expect.poll(() => page.isClosed(), { message: 'the page closes' }).toBe(true);
}

/**
 * Asks the browser itself, through the extension's tabs API: puppeteer hears of
 * a tab closing, but not of a popup window the extension removes.
 */
export async function consentWindowCloses(extensionPage: Page) {
  const consentTabs = () =>
    extensionPage.evaluate(async (prefix) => {
      const { tabs } = (
        globalThis as unknown as { browser: { tabs: { query(q: object): Promise<{ url?: string }[]> } } }
      ).browser;
      return (await tabs.query({})).filter((tab) => tab.url?.startsWith(prefix)).length;
    }, extensionUrl('consent.html'));
  await expect.poll(consentTabs, { message: 'the consent window closes' }).toBe(0);
}

export async function chooseUser(provider: Page, user: string) {
  const value = await provider.evaluate(
    (name) => [...document.querySelectorAll('option')].find((o) => o.text.startsWith(`@${name} `))?.value ?? '',
    user,
  );
  expect(value).not.toBe('');
  await provider.select('select[name=user_id]', value);
}

/**
 * Clicks `button` in the popup, then Authorize as `user` at the provider's
 * page it opens; the background closes that tab. Returns the address the page
 * was opened at.
 */
export async function authorizeFromPopup(
  firefox: FirefoxExtension,
  popup: Page,
  button: string,
  user: 'alice' | 'bob' = 'alice',
): Promise<URL> {
  // Back to the popup, as the user does (a tab in the background gets no animation frames, which locators wait for).
  await popup.bringToFront();
  await clickButton(popup, button);
  const provider = await firefox.pageAt(`${PROVIDER}/oauth/`);
  await expectText(provider, /Authorize .* to use your account\?/);
  const opened = new URL(await addressOf(provider));
  await chooseUser(provider, user);
  await clickButton(provider, 'Authorize app');
  await closes(provider);
  return opened;
}

/** Connect (or `button`, e.g. "Read only"), then Authorize as `user` at the provider; the popup says so. */
export async function connect(
  firefox: FirefoxExtension,
  popup: Page,
  user: 'alice' | 'bob' = 'alice',
  button = 'Connect Dev provider',
) {
  await authorizeFromPopup(firefox, popup, button, user);
  await expectText(popup, `Connected @${user}.`);
}

/** The dev provider's demo app, once its content script says it is there. */
export async function openDemo(firefox: FirefoxExtension): Promise<Page> {
  const demo = await firefox.browser.newPage();
  await demo.goto(`${PROVIDER}/demo`);
  await expectText(demo, 'The OAuth 1.0a Connect extension is active');
  return demo;
}

/** Types the status and clicks Post. */
export async function post(demo: Page, text: string) {
  await demo.bringToFront();
  await demo.locator('#status').fill(text);
  await demo.locator('button[type=submit]').click();
}

/** Clicks Post and returns the consent window the background opens. */
export async function postAndGetConsent(firefox: FirefoxExtension, demo: Page, text: string): Promise<Page> {
  await post(demo, text);
  const consent = await firefox.pageAt(extensionUrl('consent.html?'));
  await expectText(consent, 'Allow once');
  return consent;
}

/** What the demo page says came of its last request. */
export const demoResult = (demo: Page) => demo.$eval('[role=status]', (p) => p.textContent ?? '');
