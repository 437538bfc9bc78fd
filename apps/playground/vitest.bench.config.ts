import { defineConfig } from 'vitest/config';

// `pnpm bench`: the browser benchmark, one long case; figures go to bench-results/browser.json.
export default defineConfig({ test: { include: ['bench/**/*.bench-run.ts'], testTimeout: 1_800_000, hookTimeout: 300_000 } });
