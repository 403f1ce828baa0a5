import { defineConfig } from 'vitest/config';

/**
 * `npm run test:reliability`: issue 13's load, crash, provider-fault and PostgreSQL-restart
 * runs at full size, one file at a time (they measure latency and memory, which parallel
 * files would skew). It prints the table and writes docs/reliability.md. The unit suite runs
 * the same phases small (tests/server/reliability/).
 */
export default defineConfig({
  test: {
    include: ['tests/reliability/**/*.test.ts', 'tests/fuzz/**/*.fuzz.test.ts'],
    environment: 'node',
    env: { RELIABILITY_SCALE: process.env.RELIABILITY_SCALE ?? 'full' },
    fileParallelism: false,
    testTimeout: 900_000,
    hookTimeout: 300_000,
    globalSetup: ['tests/support/global-setup.ts', 'tests/reliability/support/report-setup.ts'],
    // The extension's words in English (components/i18n.ts reads browser.i18n, absent here).
    setupFiles: ['tests/support/english-messages.ts'],
  },
});
