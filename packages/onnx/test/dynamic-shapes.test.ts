import { describe, expect, it } from 'vitest';
import { captumModelBytes } from '@ig/test-fixtures';
import { buildGradientModel, encodeModel, UnknownShapeError } from '../src/index.js';
import { makeModel } from './helpers/model.js';
import { feedsOf, gradientOf, runModel, runtimes, type Feed } from './helpers/ort.js';
import { differences, expectMatches } from './helpers/finite-differences.js';
import { maxAbs, rng, uniform } from './helpers/random.js';

const ort = runtimes.node;

/** A batch-polymorphic model: broadcasting, Tanh, GlobalAveragePool, Reshape, MatMul, Softplus, Gemm, Softmax, Concat (smooth, so differences need no kink handling). */
const dynamicModel = (opset: number): Uint8Array =>
  makeModel({
    opset,
    inputs: { x: ['n', 3, 2, 2], b: [3, 1, 1] },
    constants: {
      w: { dims: [12, 5], values: Array.from({ length: 60 }, (_, i) => Math.cos(i)) },
      v: { dims: [5, 4], values: Array.from({ length: 20 }, (_, i) => Math.sin(i + 1)) },
      c: { dims: [4], values: [0.1, -0.2, 0.3, 0.05] },
      flat: { dims: [2], values: [0, -1], type: 'int64' },
    },
    nodes: [
      { op: 'Mul', inputs: ['x', 'b'], outputs: ['xb'] },
      { op: 'Tanh', inputs: ['xb'], outputs: ['t'] },
      { op: 'GlobalAveragePool', inputs: ['t'], outputs: ['pooled'] },
      { op: 'Flatten', inputs: ['pooled'], outputs: ['ps'] },
      { op: 'Reshape', inputs: ['t', 'flat'], outputs: ['f'] },
      { op: 'MatMul', inputs: ['f', 'w'], outputs: ['h'] },
      { op: 'Softplus', inputs: ['h'], outputs: ['r'] },
      { op: 'Gemm', inputs: ['r', 'v', 'c'], outputs: ['z'] },
      { op: 'Softmax', inputs: ['z'], outputs: ['s'], attributes: { axis: { int: -1 } } },
      { op: 'Concat', inputs: ['s', 'ps'], outputs: ['y'], attributes: { axis: { int: 1 } } },
    ],
    outputs: ['y'],
  });

describe('gradient graphs without static shapes (shapes read with Shape ops at run time)', () => {
  it('one gradient model of a dynamic-batch model serves every batch size and matches finite differences', async () => {
    const bytes = dynamicModel(17);
    const built = buildGradientModel(bytes);
    expect(built.outputShape).toBeUndefined();
    const gradientBytes = encodeModel(built.model);
    for (const batch of [1, 3]) {
      const random = rng(40 + batch);
      const feeds: Record<string, Feed> = {
        x: { data: uniform(random, batch * 12), dims: [batch, 3, 2, 2] },
        b: { data: uniform(random, 3), dims: [3, 1, 1] },
      };
      const seed = uniform(random, batch * 7);
      const results = await runModel(ort, gradientBytes, { ...feedsOf(ort, feeds), ig_seed: new ort.Tensor('float32', seed, [batch, 7]) });
      for (const input of ['x', 'b']) {
        const g = results[`ig_grad_${input}`]?.data as Float32Array;
        expect(g.length).toBe(feeds[input]?.data.length);
        expect(maxAbs(g)).toBeGreaterThan(1e-3);
        const indices = [...Array(g.length).keys()];
        // Measured max |g − C(h)| / max(1, max|g|): 4.0e-6 to 7.9e-6 over both batches and inputs
        // (the spread C(h) − C(h/2) is 5.6e-6 to 1.3e-5: the quotient's own rounding); 4e-5 is 4× it, rounded up.
        expectMatches(g, await differences(ort, bytes, feeds, input, seed, indices, 1e-2), 4e-5 * Math.max(1, maxAbs(g)));
      }
    }
  });

  it('the exported iris MLP (dynamic batch) needs no probe: same gradients as the probed build', async () => {
    const iris = captumModelBytes('iris_mlp');
    const feeds = { input: { data: uniform(rng(9), 12, 0, 7), dims: [3, 4] } };
    const seed = uniform(rng(10), 9);
    const dynamic = await runModel(ort, encodeModel(buildGradientModel(iris).model), {
      ...feedsOf(ort, feeds),
      ig_seed: new ort.Tensor('float32', seed, [3, 3]),
    });
    const probed = await gradientOf(ort, iris, feeds, () => seed);
    expect(Array.from(dynamic['ig_grad_input']?.data as Float32Array)).toEqual(Array.from(probed.gradients.input as Float32Array));
    expect(maxAbs(probed.gradients.input as Float32Array)).toBeGreaterThan(1e-3);
  });

  it('before opset 13 ReduceSum cannot take run-time axes, so unknown shapes are an UnknownShapeError', () => {
    expect(() => buildGradientModel(dynamicModel(12))).toThrow(UnknownShapeError);
  });
});
