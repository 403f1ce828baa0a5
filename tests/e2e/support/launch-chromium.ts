import { createHash } from 'node:crypto';
import { type BrowserContext, chromium, type Worker } from '@playwright/test';

/**
 * Debian's Chromium (scripts/ensure-system-packages.sh). Playwright's own
 * builds cannot be downloaded here, and its headless shell does not load
 * extensions anyway.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Chromium with an unpacked extension loaded, in a profile of its own: for
 * the e2e fixture, the extension benchmark and the screenshots.
 */
export function launchWithExtension(
  userDataDir: string,
  extensionDir: string,
  options: { headless?: boolean; viewport?: { width: number; height: number } } = {},
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    // true → Chromium's new headless mode, which (unlike the old one) loads extensions.
    headless: options.headless ?? true,
    ...(options.viewport ? { viewport: options.viewport } : {}),
    // CI runs as root, where Chromium refuses to start with its sandbox.
    chromiumSandbox: false,
    timeout: 20_000,
    args: [
      // Playwright passes --disable-extensions; --disable-extensions-except wins over it.
      // Debian's /usr/bin/chromium wrapper adds an empty --load-extension= of its own;
      // ours comes later on the command line, and the last one wins.
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      // No first-run UI, no network chatter, no component downloads: the machine is offline.
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
      '--disable-gpu',
    ],
  });
}

/**
 * The id Chromium gives an unpacked extension: the first 128 bits of the
 * SHA-256 of its absolute path, written with the letters a to p.
 */
export function unpackedExtensionId(extensionDir: string): string {
  const hex = createHash('sha256').update(extensionDir).digest('hex').slice(0, 32);
  return [...hex].map((digit) => String.fromCharCode(97 + Number.parseInt(digit, 16))).join('');
}

/**
 * The extension's service worker. Usually it is running before the first
 * look; rarely (a loaded machine) it started before Playwright attached, or
 * not at all yet. Then opening one of the extension's pages wakes it.
 */
export async function extensionServiceWorker(context: BrowserContext, extensionDir: string): Promise<Worker> {
  const started = Date.now();
  let nudged = false;
  while (Date.now() - started < 20_000) {
    const worker = context.serviceWorkers()[0];
    if (worker) return worker;
    if (!nudged && Date.now() - started > 2_000) {
      nudged = true;
      const page = await context.newPage();
      // Not awaited to completion: the page only has to ask the worker something.
      void page.goto(`chrome-extension://${unpackedExtensionId(extensionDir)}/popup.html`).catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the extension’s service worker did not start within 20 s');
}
