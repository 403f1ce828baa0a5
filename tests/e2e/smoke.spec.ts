import type { Browser } from 'wxt/browser';
import { EXTENSION_DIR, expect, test } from './support/chromium-extension';
import { unpackedExtensionId } from './support/launch-chromium';

/** Typing for callbacks run in the service worker (see support/chromium-extension.ts). */
declare const chrome: typeof Browser;

test('the service worker starts and the popup shows the providers of the companion', async ({
  page,
  serviceWorker,
  extensionId,
}) => {
  expect(serviceWorker.url()).toBe(`chrome-extension://${extensionId}/background.js`);
  // The fixture's fallback (waking a worker that has not started) relies on knowing the id beforehand.
  expect(extensionId).toBe(unpackedExtensionId(EXTENSION_DIR));
  const manifest = await serviceWorker.evaluate(() => chrome.runtime.getManifest());
  expect(manifest.manifest_version).toBe(3);
  expect(manifest.version).toBe('0.1.0');

  await page.goto(`chrome-extension://${extensionId}/popup.html`);

  await expect(page.getByRole('heading', { name: 'OAuth 1.0a Connect' })).toBeVisible();
  // The background asked the companion for its providers.
  await expect(page.getByRole('button', { name: 'Connect Dev provider' })).toBeVisible();
  await expect(page.getByTestId('companion-status')).toHaveText('Companion reachable.');
  await expect(page.getByRole('alert')).toHaveCount(0);
});
