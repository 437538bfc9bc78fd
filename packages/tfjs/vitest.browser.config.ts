import { defineConfig } from 'vitest/config';

/** The real-browser tests (Chromium via playwright-core), kept apart from the Node unit tests. */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
