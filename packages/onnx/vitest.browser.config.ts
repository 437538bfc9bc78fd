import { defineConfig } from 'vitest/config';

/** The real-browser tests (Chromium via @ig/browser-harness), kept apart from the Node unit tests. */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
