import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    exclude: ['tests/e2e/**', 'tests/packages/**', 'node_modules/**'],
    environment: 'node',
    // Starts a throwaway PostgreSQL server for the store and multi-instance tests.
    globalSetup: ['tests/support/global-setup.ts'],
  },
});
