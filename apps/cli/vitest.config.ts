import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // `ig` keeps built ONNX graphs in $XDG_CACHE_HOME/ig by default: give the tests their own.
    env: { XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'ig-cli-test-cache-')) },
  },
});
