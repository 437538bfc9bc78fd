import { describe, expect, it } from 'vitest';
import { captumData, captumModelBytes } from '@ig/test-fixtures';
import { gradientOf, runtimes } from './helpers/ort.js';
import { differences, expectMatches, sampleIndices } from './helpers/finite-differences.js';
import { maxAbs } from './helpers/random.js';

const ort = runtimes.node;
const oneHot =
  (hot: number) =>
  (n: number): Float32Array =>
    Float32Array.from({ length: n }, (_, i) => (i === hot ? 1 : 0));

// Both networks are piecewise linear (ReLU, max-pool), so away from kinks a difference with a
// step of 1e-2 is exact up to float32 rounding of the logits (~6e-8·|logit| / 2h). Where a kink
// lies within the step (isKink), the one-sided difference from its smooth side is used.
describe('gradient model of the reference networks', () => {
  it('iris MLP: input gradient of one logit equals finite differences', async () => {
    const bytes = captumModelBytes('iris_mlp');
    const x = captumData('iris_mlp', 'input_versicolor_row51');
    const feeds = { input: { data: x.data, dims: x.shape } };
    const run = await gradientOf(ort, bytes, feeds, oneHot(1));
    const g = run.gradients.input as Float32Array;
    // Measured max |g − C(h)|: 3.6e-6 (no kink within the step); 2e-5 is 4× it, rounded up.
    expectMatches(g, await differences(ort, bytes, feeds, 'input', oneHot(1)(3), [0, 1, 2, 3], 1e-2, undefined, { halfStep: true }), 2e-5, true);
    expect(maxAbs(g)).toBeGreaterThan(1e-3);
  });

  it('small CNN: input gradient of a logit equals finite differences at sampled pixels', async () => {
    const bytes = captumModelBytes('small_cnn');
    const x = captumData('small_cnn', 'input0');
    const feeds = { input: { data: x.data, dims: x.shape } };
    const run = await gradientOf(ort, bytes, feeds, oneHot(3));
    const g = run.gradients.input as Float32Array;
    const scale = maxAbs(g);
    expect(scale).toBeGreaterThan(1e-4);
    // Measured max error 1.7e-6 against gradients of ~1e-3: the logits' rounding seen through the
    // quotient (spread C(h) − C(h/2) up to 3.7e-6) limits it; the tolerance is 2× the measured.
    expectMatches(
      g,
      await differences(ort, bytes, feeds, 'input', oneHot(3)(10), sampleIndices(784, 60), 1e-2, undefined, { halfStep: true }),
      1e-3 * scale + 2e-6,
      true,
    );
  });
});
