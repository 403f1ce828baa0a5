/**
 * `npm run docs:screenshots`: the popup's main states, photographed in
 * headless Chromium against the real companion and dev provider, into
 * docs/screenshots/. Run after `npm run build`.
 */
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import globalSetup from '../tests/e2e/support/global-setup';
import { extensionServiceWorker, launchWithExtension } from '../tests/e2e/support/launch-chromium';

const extension = resolve('.output/chrome-mv3');
const out = resolve('docs/screenshots');
mkdirSync(out, { recursive: true });

const teardown = await globalSetup();
const profile = await mkdtemp(join(tmpdir(), 'oauth1-shots-'));
const context = await launchWithExtension(profile, extension, { viewport: { width: 360, height: 420 } });
try {
  const worker = await extensionServiceWorker(context, extension);
  const popupUrl = `chrome-extension://${new URL(worker.url()).host}/popup.html`;
  const page = context.pages()[0] ?? (await context.newPage());
  const shot = (name: string) => page.screenshot({ path: join(out, `${name}.png`) });
  const openPopup = async (p: Page) => {
    await p.goto(popupUrl);
    await p.getByRole('button', { name: 'Connect Dev provider' }).waitFor();
  };

  await openPopup(page);
  await shot('popup-empty');

  const tab = context.waitForEvent('page');
  await page.getByRole('button', { name: 'Connect Dev provider' }).click();
  const provider = await tab;
  await page.getByText('Waiting for you to authorize').waitFor();
  await page.bringToFront();
  await shot('popup-waiting');
  const closed = provider.waitForEvent('close');
  await provider.getByRole('button', { name: 'Authorize app' }).click();
  await closed;
  await page.getByRole('list', { name: 'Connected accounts' }).getByText('@alice', { exact: true }).waitFor();
  await shot('popup-connected');

  const pinTab = context.waitForEvent('page');
  await page.getByRole('button', { name: 'Use a PIN instead' }).click();
  const pinProvider = await pinTab;
  await pinProvider.getByRole('button', { name: 'Authorize app' }).click();
  await page.bringToFront();
  await page.getByLabel('PIN shown by Dev provider').waitFor();
  await shot('popup-pin');
  await pinProvider.close();
  await page.getByRole('button', { name: 'Cancel' }).click();

  // A site asks to post through the demo app's content script: the consent window.
  const demo = await context.newPage();
  await demo.goto('http://127.0.0.1:8788/demo');
  await demo.getByText('The OAuth 1.0a Connect extension is active').waitFor();
  const consentWindow = context.waitForEvent('page', (p) => p.url().includes('/consent.html'));
  await demo.getByLabel('Your status').fill('Hello from the demo app, signed by the companion.');
  await demo.getByRole('button', { name: 'Post' }).click();
  const consent = await consentWindow;
  await consent.setViewportSize({ width: 440, height: 460 });
  await consent.getByRole('button', { name: 'Deny' }).waitFor();
  await consent.screenshot({ path: join(out, 'consent.png') });
  const answered = consent.waitForEvent('close');
  await consent.getByRole('button', { name: 'Always for this site' }).click();
  await answered;
  await demo.getByText('Posted as @alice.').waitFor();
  await demo.screenshot({ path: join(out, 'demo-app.png') });

  await openPopup(page);
  await page.getByRole('list', { name: 'Recent activity' }).waitFor();
  await page.screenshot({ path: join(out, 'popup-sites.png'), fullPage: true });
  await page.setViewportSize({ width: 720, height: 640 });
  await page.goto(popupUrl.replace('popup.html', 'options.html'));
  await page.getByRole('list', { name: 'Connected sites' }).waitFor();
  await shot('options');
  await page.setViewportSize({ width: 360, height: 420 });

  await teardown(); // the companion goes away: the popup says so
  await openPopupWithoutCompanion(page, popupUrl);
  await shot('popup-error');
} finally {
  await context.close();
  await rm(profile, { recursive: true, force: true });
}
console.log(`screenshots in ${out}`);

async function openPopupWithoutCompanion(page: Page, url: string) {
  await page.goto(url);
  await page.getByRole('alert').waitFor();
}
