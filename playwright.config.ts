import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests against the built extension (`.output/chrome-mv3` and
 * `.output/firefox-mv3`). No project names a browser and nothing uses the built-in
 * `browser` fixture: the fixtures launch Debian's Chromium (tests/e2e/support) and
 * Debian's Firefox ESR over WebDriver BiDi with puppeteer-core (tests/e2e/firefox),
 * so Playwright never needs (or tries to download) its own browser builds.
 */
export default defineConfig({
  testDir: 'tests/e2e',
  // The real companion and dev provider, started once for the run.
  globalSetup: './tests/e2e/support/global-setup.ts',
  // One browser at a time: each test starts its own Chromium with its own profile,
  // and CI machines are small.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  // Browser start is ≈0.5 s here; 30 s leaves room for a slow CI machine without
  // letting a hung launch stall the run for Playwright's default minutes.
  timeout: 30_000,
  expect: { timeout: 5_000 },
  // `list` ends with the counts line ("N passed (…)") that CI logs are read by.
  reporter: 'list',
  use: { headless: true },
});
