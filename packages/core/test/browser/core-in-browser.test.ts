import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumAvailable, openPage } from '@ig/browser-harness';
import { describe, expect, it } from 'vitest';
import { integratedGradients, tensor } from '../../src/index.js';
import { softplusOfLinear } from '../helpers/closed-forms.js';
import { measure, relativeDeviation } from '@ig/browser-harness/measure';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const built = existsSync(join(DIST, 'index.js'));
if (!built && process.env.CI === 'true') throw new Error(`the browser test needs a built ${DIST}index.js in CI (pnpm build)`);
if (!built) console.warn(`skipping the browser test: ${DIST}index.js is missing (pnpm build)`);
const available = chromiumAvailable() && built;

// The same computation in the page, in a module worker, and in Node.
const program = `
import { functionBackend, integratedGradients, tensor } from '/dist/index.js';
const w = [0.7, -0.4, 1.1, 0.25, -0.9];
const z = (x) => w.reduce((s, wi, i) => s + wi * x[i], 0.3);
const backend = functionBackend({
  forward: ([x]) => [Math.log1p(Math.exp(z(x)))],
  gradient: ([x], [seed]) => [Float32Array.from(w, (wi) => seed * wi / (1 + Math.exp(-z(x))))],
});
export async function run() {
  const input = tensor([0.9, -1.3, 0.4, 1.7, -0.6], [1, 5]);
  const baselines = tensor([0.2, 0.5, -0.3, 0.1, 0.7], [1, 5]);
  const fixed = await integratedGradients(backend, input, { baselines, steps: 64, batchSize: 16 });
  const auto = await integratedGradients(backend, input, { baselines, steps: 'auto', tolerance: 1e-4 });
  return { fixed: Array.from(fixed.attributions[0].data), auto: Array.from(auto.attributions[0].data), autoSteps: auto.reports[0].steps };
}`;
const files: Record<string, string> = {
  '/program.js': program,
  '/worker.js': `import { run } from '/program.js'; run().then((r) => postMessage(r), (e) => postMessage({ error: String(e) }));`,
  '/index.html': `<!doctype html><script type="module">
    import { run } from '/program.js';
    window.mainThread = run();
    window.inWorker = new Promise((resolve) => { const w = new Worker('/worker.js', { type: 'module' }); w.onmessage = (e) => resolve(e.data); });
  </script>`,
};

describe.skipIf(!available)('@ig/core in a real browser (Chromium), main thread and web worker', () => {
  it('computes the same attributions as Node', async () => {
    const { page, close } = await openPage({ files, directories: { '/dist/': DIST }, path: '/index.html' });
    try {
      type Run = { fixed: number[]; auto: number[]; autoSteps: number; error?: string };
      const main = (await page.evaluate('window.mainThread')) as Run;
      const worker = (await page.evaluate('window.inWorker')) as Run;
      expect(worker.error).toBeUndefined();

      const form = softplusOfLinear([0.7, -0.4, 1.1, 0.25, -0.9], 0.3);
      const input = tensor([0.9, -1.3, 0.4, 1.7, -0.6], [1, 5]);
      const baselines = tensor([0.2, 0.5, -0.3, 0.1, 0.7], [1, 5]);
      const node = await integratedGradients(form.backend, input, { baselines, steps: 64, batchSize: 16 });
      const expected = form.expected(input.data, baselines.data);
      for (const run of [main, worker]) {
        const measured = {
          node: relativeDeviation(run.fixed, node.attributions[0]?.data as Float32Array),
          closedForm: relativeDeviation(run.fixed, expected),
          auto: relativeDeviation(run.auto, expected),
        };
        measure('browser', { ...measured, autoSteps: run.autoSteps });
        // The same float32 program as in Node: measured 0 apart (1e-7 leaves a last-bit difference in
        // another V8), and 8.7e-8 of max |attr| from the closed form.
        expect(measured.node).toBeLessThan(1e-7);
        expect(measured.closedForm).toBeLessThan(6e-7);
        // Not float32: auto steps stop at the requested 1e-4 completeness error (measured 9.5e-6 after 9 points).
        expect(measured.auto).toBeLessThan(1e-4);
        expect(run.autoSteps).toBeLessThan(50);
      }
    } finally {
      await close();
    }
  });
});
