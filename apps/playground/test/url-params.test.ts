/** The automation contract's URL parameters in Chromium: a value the page does not offer is an error naming it and the valid ones, and nothing runs. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chromiumAvailable } from '@ig/browser-harness';
import { waitForRun } from './page-result.js';
import { openSite, type Site } from './site.js';

const cases: readonly { readonly query: string; readonly says: string }[] = [
  { query: 'model=nonexistent', says: "model='nonexistent' is not valid: it takes one of fashion-mnist, small-cnn-onnx, spam-text" },
  { query: 'model=fashion-mnist&target=42', says: "target='42' is not valid: it takes one of 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 (the classes of fashion-mnist" },
  { query: 'model=fashion-mnist&sample=boot', says: "sample='boot' is not valid: it takes one of tshirt, trouser, sneaker (the samples of fashion-mnist)" },
  { query: 'baseline=bogus', says: "baseline='bogus' is not valid: it takes one of zero, min, mean" },
  {
    query: 'method=bogus',
    says: "method='bogus' is not valid: it takes one of gauss-legendre, riemann-left, riemann-right, riemann-middle, riemann-trapezoid, clenshaw-curtis",
  },
  { query: 'algorithm=bogus', says: "algorithm='bogus' is not valid: it takes one of integrated-gradients, smoothgrad, smoothgrad-squared, vargrad" },
  { query: 'steps=lots', says: "steps='lots' is not valid: it takes a positive whole number of points, or auto" },
  { query: 'model=fashion-mnist&output=logits', says: "output='logits' is not valid: fashion-mnist has one output" },
  { query: 'model=fashion-mnist&engine=ort-wasm', says: "engine 'ort-wasm' does not run Fashion-MNIST CNN (TensorFlow.js); it runs on tfjs-webgl" },
];

describe.skipIf(!chromiumAvailable())('URL parameters', () => {
  let site: Site;
  beforeAll(async () => (site = await openSite({ isolated: false })));
  afterAll(async () => site?.close());

  for (const c of cases)
    test(`?${c.query}&autorun=1 is refused, naming the value and the valid ones`, async () => {
      const page = await site.open(`?${c.query}&autorun=1`);
      const run = await waitForRun(page, 60_000);
      expect(run.status).toBe('error');
      expect(run.error).toContain(c.says);
      // Nothing ran in place of what was asked.
      expect(run.report).toBeNull();
      await page.close();
    });

  test('valid parameters are applied and run', async () => {
    const page = await site.open('?model=small-cnn-onnx&sample=sample1&engine=ort-wasm&steps=8&method=riemann-trapezoid&baseline=min&target=3&autorun=1');
    const run = await waitForRun(page);
    expect(run.error).toBe('');
    expect(run.report).toMatchObject({ target: 3, steps: 8 });
    expect(await page.inputValue('#baseline')).toBe('min');
    await page.close();
  });
});
