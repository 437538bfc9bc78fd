import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fixtureBytes, fixturesDir } from './helpers/fixtures.js';
import { readNpy } from './helpers/npy.js';
import { gradientOf, runtimes } from './helpers/ort.js';
import { differences, expectMatches, sampleIndices } from './helpers/finite-differences.js';
import { maxAbs } from './helpers/random.js';

const ort = runtimes.node;
const oneHot = (hot: number) => (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => (i === hot ? 1 : 0));

// Both networks are piecewise linear (ReLU, max-pool), so away from kinks a difference with a
// step of 1e-2 is exact up to float32 rounding of the logits (|logit| < 10: ~1e-6 / 1e-2).
describe('gradient model of the reference networks', () => {
  it('iris MLP: input gradient of one logit equals finite differences', async () => {
    const bytes = fixtureBytes('captum', 'models', 'iris_mlp.onnx');
    const x = readNpy(join(fixturesDir, 'captum', 'data', 'iris_mlp', 'input_versicolor_row51.npy'));
    const feeds = { input: { data: x.data, dims: x.shape } };
    const run = await gradientOf(ort, bytes, feeds, oneHot(1));
    const g = run.gradients.input as Float32Array;
    expectMatches(g, await differences(ort, bytes, feeds, 'input', oneHot(1)(3), [0, 1, 2, 3], 1e-2), 1e-4);
    expect(maxAbs(g)).toBeGreaterThan(1e-3);
  });

  it('small CNN: input gradient of a logit equals finite differences at sampled pixels', async () => {
    const bytes = fixtureBytes('captum', 'models', 'small_cnn.onnx');
    const x = readNpy(join(fixturesDir, 'captum', 'data', 'small_cnn', 'input0.npy'));
    const feeds = { input: { data: x.data, dims: x.shape } };
    const run = await gradientOf(ort, bytes, feeds, oneHot(3));
    const g = run.gradients.input as Float32Array;
    const scale = maxAbs(g);
    expect(scale).toBeGreaterThan(1e-4);
    expectMatches(g, await differences(ort, bytes, feeds, 'input', oneHot(3)(10), sampleIndices(784, 60), 1e-2), 1e-3 * scale + 2e-6);
  });
});
