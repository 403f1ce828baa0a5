import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, test as base, expect, type Worker } from '@playwright/test';
import type { Browser } from 'wxt/browser';
import { extensionServiceWorker, launchWithExtension } from './launch-chromium';

/**
 * The `chrome` global inside the extension's service worker, for typing callbacks
 * passed to `serviceWorker.evaluate`. Declared here rather than globally so that
 * extension code cannot start using `chrome` without anyone noticing.
 */
declare const chrome: typeof Browser;

/** The unpacked extension as `wxt build` writes it; the tests run what ships. */
export const EXTENSION_DIR = fileURLToPath(new URL('../../../.output/chrome-mv3', import.meta.url));

export interface ChromiumExtensionFixtures {
  /** A fresh Chromium profile with the built extension loaded; the built-in `page` opens in it. */
  context: BrowserContext;
  /** The extension's MV3 service worker, once its message listeners are registered. */
  serviceWorker: Worker;
  /** The extension's id, i.e. the host of its `chrome-extension://` URLs. */
  extensionId: string;
}

export const test = base.extend<ChromiumExtensionFixtures>({
  context: async ({ headless }, use) => {
    if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) {
      throw new Error(`No built extension in ${EXTENSION_DIR}: run \`npx wxt build\` first (npm run test:e2e does).`);
    }
    // Our own temp profile, not Playwright's '' default, so that the path can be
    // inspected while debugging; it is removed whatever happens.
    const userDataDir = await mkdtemp(join(tmpdir(), 'oauth1-e2e-chromium-'));
    try {
      const context = await launchWithExtension(userDataDir, EXTENSION_DIR, { headless });
      try {
        await use(context);
      } finally {
        await context.close();
      }
    } finally {
      await rm(userDataDir, { recursive: true, force: true });
    }
  },

  serviceWorker: async ({ context }, use) => {
    const worker = await extensionServiceWorker(context, EXTENSION_DIR);
    // The `serviceworker` event can come before background.ts has run its top level;
    // a message sent before its listener exists is lost ("Receiving end does not exist").
    await expect
      .poll(() => worker.evaluate(() => chrome.runtime.onMessage.hasListeners()), {
        message: 'the background registers its runtime.onMessage listener',
      })
      .toBe(true);
    await use(worker);
  },

  extensionId: async ({ serviceWorker }, use) => {
    await use(new URL(serviceWorker.url()).host);
  },
});

export { expect };
