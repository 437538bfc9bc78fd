import { defineConfig } from 'vitest/config';

// Each case starts Chromium and runs a model in it; one file at a time keeps the machine usable.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 120_000, fileParallelism: false },
});
