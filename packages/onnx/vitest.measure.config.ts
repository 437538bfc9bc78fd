import { defineConfig } from 'vitest/config';

/** Measurements that write test tolerances (run on demand: `pnpm measure:tolerances`), not tests. */
export default defineConfig({
  test: {
    include: ['test/measure/**/*.measure.ts'],
    testTimeout: 900_000,
    setupFiles: ['test/setup-quiet-runtime.ts'],
  },
});
