import { type BrowserContext, chromium } from '@playwright/test';

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
