import { defineConfig } from 'vitest/config';

/**
 * `npm run test:packages`: builds the store packages (npm run zip) and checks
 * them. Apart from the unit suite because a build rewrites .wxt/, which the
 * unit suite's workers read while they run.
 */
export default defineConfig({
  test: {
    include: ['tests/packages/**/*.test.ts'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
