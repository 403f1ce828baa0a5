import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect } from '@playwright/test';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** The Firefox build as `wxt build -b firefox --mv3` writes it; the tests run what ships. */
export const FIREFOX_EXTENSION_DIR = fileURLToPath(new URL('../../../../.output/firefox-mv3', import.meta.url));

/**
 * Firefox gives each install a random `moz-extension://` host; this pref fixes
 * it for our add-on id, so the tests know where the popup is.
 */
export const EXTENSION_UUID = '6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b';
export const extensionUrl = (path: string) => `moz-extension://${EXTENSION_UUID}/${path}`;

export interface FirefoxExtension {
  readonly browser: Browser;
  /** An extension page (popup.html, options.html) in a new tab, once its document has loaded. */
  openExtensionPage(path: string): Promise<Page>;
  /** The page whose address starts with `prefix`, once one does (new tabs and windows included). */
  pageAt(prefix: string): Promise<Page>;
}

function geckoId(): string {
  const manifestPath = join(FIREFOX_EXTENSION_DIR, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new Error(`No Firefox build in ${FIREFOX_EXTENSION_DIR}: run \`npx wxt build -b firefox --mv3\` first.`);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    browser_specific_settings?: { gecko?: { id?: string } };
  };
  const id = manifest.browser_specific_settings?.gecko?.id;
  if (!id) throw new Error('The Firefox manifest has no browser_specific_settings.gecko.id');
  return id;
}

/** Where a page really is: puppeteer reports extension pages as about:blank (Firefox filters their events). */
export async function addressOf(page: Page): Promise<string> {
  return page.evaluate(() => location.href).catch(() => '');
}

/**
 * Debian's Firefox ESR with the built extension installed as a temporary
 * add-on, driven over WebDriver BiDi (Playwright's Firefox is a patched build
 * that cannot be downloaded here). A fresh profile per test.
 */
export async function launchFirefoxWithExtension(): Promise<FirefoxExtension> {
  const id = geckoId();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
    headless: true,
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: { 'extensions.webextensions.uuids': JSON.stringify({ [id]: EXTENSION_UUID }) },
  });
  try {
    expect(await browser.installExtension(FIREFOX_EXTENSION_DIR)).toBe(id);
  } catch (error) {
    await browser.close();
    throw error;
  }

  async function pageAt(prefix: string): Promise<Page> {
    let found: Page | undefined;
    await expect
      .poll(
        async () => {
          for (const page of await browser.pages()) {
            if ((await addressOf(page)).startsWith(prefix)) {
              found = page;
              return true;
            }
          }
          return false;
        },
        { message: `a page at ${prefix}` },
      )
      .toBe(true);
    return found as Page;
  }

  return {
    browser,
    pageAt,
    async openExtensionPage(path) {
      const page = await browser.newPage();
      // goto() never resolves for moz-extension:// pages: start it, then wait for the document.
      void page.goto(extensionUrl(path)).catch(() => undefined);
      await expect
        .poll(() => page.evaluate(() => `${location.href} ${document.readyState}`).catch(() => ''), {
          message: `${path} loads`,
        })
        .toBe(`${extensionUrl(path)} complete`);
      return page;
    },
  };
}

/** The whole text a user sees on a page. */
export const textOf = (page: Page) => page.evaluate(() => document.body.innerText).catch(() => '');

/** Waits until the page shows `text`. */
export async function expectText(page: Page, text: string | RegExp) {
  await expect.poll(() => textOf(page), { message: `the page shows ${text}` }).toMatch(text);
}

/** Clicks the button (or link) whose text is `label`, once it can be clicked. */
export async function clickButton(page: Page, label: string) {
  await page.locator(`::-p-xpath(//button[normalize-space(.)=${JSON.stringify(label)}])`).click();
}

export const test = base.extend<{ firefox: FirefoxExtension }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixture's dependencies from this pattern.
  firefox: async ({}, use) => {
    const firefox = await launchFirefoxWithExtension();
    try {
      await use(firefox);
    } finally {
      await firefox.browser.close();
    }
  },
});

export { expect };
