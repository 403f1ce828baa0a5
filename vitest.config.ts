import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    // tests/reliability/ is npm run test:reliability; its fast slice runs from tests/server/reliability/.
    exclude: ['tests/e2e/**', 'tests/packages/**', 'tests/reliability/**', 'node_modules/**'],
    environment: 'node',
    // Starts a throwaway PostgreSQL server for the store and multi-instance tests; the fuzz suite's
    // summary line (tests/fuzz, docs/testing.md) is printed when the run ends.
    globalSetup: ['tests/support/global-setup.ts', 'tests/support/fuzz-summary.ts'],
    // The extension's words in English (components/i18n.ts reads browser.i18n, absent here).
    setupFiles: ['tests/support/english-messages.ts'],
  },
});
