import { describe, expect, it } from 'vitest';
import { buildGradientModel, UnsupportedOpError } from '../src/index.js';
import { makeModel, type ModelSpec } from './helpers/model.js';
import { feedsOf, gradientOf, runModel, runtimes, type Feed } from './helpers/ort.js';
import { differences, expectMatches } from './helpers/finite-differences.js';
import { maxAbs, rng, uniform } from './helpers/random.js';
import { int, str } from './op-cases/case.js';

const size = { dims: [4], values: [2, 2, 5, 6], type: 'int64' as const };

/** An opset-20 spatial transformer: AffineGrid from theta, then GridSample of x on that grid. */
const transformer: ModelSpec = {
  opset: 20,
  inputs: { x: [2, 2, 4, 5], theta: [2, 2, 3] },
  constants: { size },
  nodes: [
    { op: 'AffineGrid', inputs: ['theta', 'size'], outputs: ['grid'], attributes: { align_corners: int(0) } },
    { op: 'GridSample', inputs: ['x', 'grid'], outputs: ['y'], attributes: { mode: str('linear'), padding_mode: str('border') } },
  ],
  outputs: ['y'],
};

// Measured: the lowered model's output within 2.7e-7 of onnxruntime's. The gradient against the
// central differences (relative to max(1, max |g|)): 1.5e-6 in x, 1.9e-5 in theta. A step in theta
// moves all 30 grid points at once, so it is 1e-3 (few pixel-edge crossings, each one a kink the
// harness recognizes), which makes the quotient's rounding error 10× that of x's step of 1e-2.
const FORWARD_TOLERANCE = 1e-6;
const GRADIENT_TOLERANCE: Record<string, number> = { x: 1e-5, theta: 1e-4 };
const STEP: Record<string, number> = { x: 1e-2, theta: 1e-3 };

describe('AffineGrid + GridSample at opset 20 (lowered) against onnxruntime', () => {
  const random = rng(31);
  const theta = [1.1, 0.2, 0.1, -0.3, 0.9, -0.2, 0.8, -0.4, 0.3, 0.25, 1.2, 0.05].map((v) => v + (random() - 0.5) * 0.1);
  const feeds: Record<string, Feed> = {
    x: { data: uniform(random, 2 * 2 * 4 * 5, -1, 1), dims: [2, 2, 4, 5] },
    theta: { data: Float32Array.from(theta), dims: [2, 2, 3] },
  };
  const bytes = makeModel(transformer);
  const seedOf = (n: number): Float32Array => uniform(rng(32), n, -1, 1);

  it('computes what onnxruntime computes', async () => {
    const reference = (await runModel(runtimes.node, bytes, feedsOf(runtimes.node, feeds))).y?.data as Float32Array;
    const run = await gradientOf(runtimes.node, bytes, feeds, seedOf);
    expect(run.outputShape).toEqual([2, 2, 5, 6]);
    let error = 0;
    reference.forEach((v, i) => (error = Math.max(error, Math.abs(v - (run.output[i] as number)))));
    expect(error).toBeLessThan(FORWARD_TOLERANCE);
  });

  it.each(['x', 'theta'])('gives the central differences of onnxruntime in %s', async (input) => {
    const run = await gradientOf(runtimes.node, bytes, feeds, seedOf);
    const gradient = run.gradients[input] as Float32Array;
    const diffs = await differences(runtimes.node, bytes, feeds, input, seedOf(run.output.length), [...gradient.keys()], STEP[input] as number, 'y', {
      halfStep: true,
    });
    const scale = Math.max(1, maxAbs(gradient));
    expect(maxAbs(gradient)).toBeGreaterThan(0.1);
    expectMatches(gradient, diffs, (GRADIENT_TOLERANCE[input] as number) * scale, true);
  });
});

describe('GridSample and AffineGrid forms that are not lowered are refused', () => {
  const refusal = (spec: ModelSpec): UnsupportedOpError => {
    try {
      buildGradientModel(makeModel(spec));
    } catch (error) {
      if (error instanceof UnsupportedOpError) return error;
      throw error;
    }
    throw new Error('no refusal');
  };

  it('cubic mode on a 5-D input', () => {
    const error = refusal({
      opset: 20,
      inputs: { x: [1, 1, 2, 3, 4], grid: [1, 2, 2, 2, 3] },
      nodes: [{ op: 'GridSample', inputs: ['x', 'grid'], outputs: ['y'], attributes: { mode: str('cubic') } }],
      outputs: ['y'],
    });
    expect(error.opTypes).toEqual(['GridSample']);
    expect(error.message).toContain('node "GridSample_0"');
    expect(error.message).toContain('cubic mode on a 5-D input X "x"');
  });

  it('an unknown mode or padding_mode', () => {
    const spec = (attributes: ModelSpec['nodes'][number]['attributes']): ModelSpec => ({
      opset: 16,
      inputs: { x: [1, 1, 3, 3], grid: [1, 2, 2, 2] },
      nodes: [{ op: 'GridSample', inputs: ['x', 'grid'], outputs: ['y'], attributes }],
      outputs: ['y'],
    });
    expect(refusal(spec({ mode: str('area') })).message).toContain('mode "area" is not one of');
    expect(refusal(spec({ padding_mode: str('wrap') })).message).toContain('padding_mode "wrap" is not one of zeros, border, reflection');
  });

  it('the gradient in the grid alone in nearest mode (zero wherever it exists), naming the GridSample node', async () => {
    const bytes = makeModel({
      opset: 16,
      inputs: { x: [1, 1, 3, 3], grid: [1, 2, 2, 2] },
      nodes: [{ op: 'GridSample', inputs: ['x', 'grid'], outputs: ['y'], attributes: { mode: str('nearest') } }],
      outputs: ['y'],
    });
    const feeds: Record<string, Feed> = {
      x: { data: new Float32Array(9).fill(1), dims: [1, 1, 3, 3] },
      grid: { data: new Float32Array(8).fill(0.2), dims: [1, 2, 2, 2] },
    };
    const attempt = gradientOf(runtimes.node, bytes, feeds, (n) => new Float32Array(n).fill(1), { inputs: ['grid'] });
    await expect(attempt).rejects.toThrow(UnsupportedOpError);
    await expect(attempt).rejects.toThrow(/node "GridSample_0\/axis 2\/nearest_rounding".*its gradient would be zero/);
  });

  it('AffineGrid whose size is computed, not a constant', async () => {
    const bytes = makeModel({
      opset: 20,
      inputs: { theta: [1, 2, 3], like: [1, 1, 3, 4] },
      nodes: [
        { op: 'Shape', inputs: ['like'], outputs: ['shape'] },
        { op: 'AffineGrid', inputs: ['theta', 'shape'], outputs: ['y'] },
      ],
      outputs: ['y'],
    });
    const feeds: Record<string, Feed> = {
      theta: { data: new Float32Array(6).fill(0.5), dims: [1, 2, 3] },
      like: { data: new Float32Array(12), dims: [1, 1, 3, 4] },
    };
    const attempt = gradientOf(runtimes.node, bytes, feeds, (n) => new Float32Array(n).fill(1), { inputs: ['theta'] });
    await expect(attempt).rejects.toThrow(UnsupportedOpError);
    await expect(attempt).rejects.toThrow(/AffineGrid \(opset 20\) node "AffineGrid_1": input size "shape" is not a constant/);
  });
});
