import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bundle, chromiumAvailable, openPage, type BrowserSession } from '@ig/browser-harness';
import { measure, relativeDeviation } from '@ig/browser-harness/measure';

describe.skipIf(!chromiumAvailable())('the gradients tfjs has none for, on webgl in Chromium', () => {
  let session: BrowserSession;
  beforeAll(async () => {
    session = await openPage({
      files: {
        '/': '<!doctype html><meta charset="utf-8"><title>@ig/tfjs missing gradients</title><script type="module" src="/page.js"></script>',
        '/page.js': await bundle(fileURLToPath(new URL('./missing-gradients-page.ts', import.meta.url))),
      },
      ready: 'typeof window.missingGradients === "function"',
    });
  });
  afterAll(async () => {
    await session?.close();
  });

  test('StridedSlice, DepthToSpace, FlipLeftRight, GatherNd, ScatterNd, TensorScatterUpdate and Einsum give Jᵀw', async () => {
    const result = await session.page.evaluate(() => window.missingGradients('webgl'));
    expect(result.backend).toBe('webgl');
    expect(result.ops).toHaveLength(10);
    for (const op of result.ops) {
      const deviation = relativeDeviation(op.gradient, op.expected);
      measure(`webgl ${op.name}`, { deviation });
      // float32 sums of a few products on the GPU, as on cpu and wasm
      expect(deviation, op.name).toBeLessThan(3e-7);
    }
  });
});
