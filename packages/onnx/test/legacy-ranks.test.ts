import { describe, expect, it } from 'vitest';
import { LegacyUpgradeError } from '../src/index.js';
import { onnxBackend } from '../src/node.js';
import { makeModel } from './helpers/model.js';

// Before opset 7, a 1-D PRelu slope and a `broadcast=1, axis=1` operand are per channel. Aligning
// them needs only the rank of the other operand, which the ops before it fix even under a
// symbolic batch dimension: such a model is rewritten at once, not left to a runtime that lacks
// its legacy kernels.
describe('legacy per-channel operands under a symbolic batch dimension', () => {
  const slope = [0.1, -0.5, 2];
  const scale = [3, -1, 0.5];
  const model = makeModel({
    opset: 6,
    inputs: { x: ['N', 3, 2, 2] },
    constants: { slope: { dims: [3], values: slope }, scale: { dims: [3], values: scale } },
    nodes: [
      { op: 'Relu', inputs: ['x'], outputs: ['r'], attributes: { consumed_inputs: { ints: [0] } } },
      { op: 'Sub', inputs: ['x', 'r'], outputs: ['neg'] },
      { op: 'PRelu', inputs: ['x', 'slope'], outputs: ['p'] },
      { op: 'Mul', inputs: ['p', 'scale'], outputs: ['y'], attributes: { broadcast: { int: 1 }, axis: { int: 1 } } },
    ],
    outputs: ['y'],
  });

  it('y = scale[c]·prelu(x, slope[c]) and ∂Σy/∂x = scale[c]·(x > 0 ? 1 : slope[c]), for two batch sizes', async () => {
    const backend = await onnxBackend(model);
    try {
      for (const count of [1, 3]) {
        const x = Float32Array.from({ length: count * 12 }, (_, i) => Math.sin(3 * i + 1));
        const channel = (i: number): number => Math.floor(i / 4) % 3;
        const y = await backend.predict({ points: [x], pointShapes: [[3, 2, 2]], count });
        const response = await backend.gradients({ points: [x], pointShapes: [[3, 2, 2]], count, outputWeights: new Float32Array(count * 12).fill(1) });
        const expectedY = Array.from(x, (v, i) =>
          Math.fround(Math.fround(scale[channel(i)] as number) * Math.fround(v > 0 ? v : Math.fround(slope[channel(i)] as number) * v)),
        );
        const expectedG = Array.from(x, (v, i) => Math.fround((scale[channel(i)] as number) * (v > 0 ? 1 : Math.fround(slope[channel(i)] as number))));
        // One float32 multiplication or two each: exact up to their rounding.
        Array.from(y).forEach((v, i) => expect(Math.abs(v - (expectedY[i] as number))).toBeLessThanOrEqual(2 ** -22 * Math.abs(expectedY[i] as number)));
        Array.from(response.gradients[0] as Float32Array).forEach((g, i) =>
          expect(Math.abs(g - (expectedG[i] as number))).toBeLessThanOrEqual(2 ** -22 * Math.abs(expectedG[i] as number)),
        );
      }
    } finally {
      await backend.dispose();
    }
  });
});

// A computed `broadcast=1, axis=0` operand under a symbolic batch has no shape to reshape to, and
// onnxruntime has no Add-6 kernel to measure one: its rank alone aligns it (trailing axes of 1).
describe('a legacy broadcast operand computed by the model, of unknown shape', () => {
  const model = makeModel({
    opset: 6,
    inputs: { x: ['N', 3, 4, 4] },
    nodes: [
      { op: 'ReduceMean', inputs: ['x'], outputs: ['m'], attributes: { axes: { ints: [2, 3] }, keepdims: { int: 0 } } },
      { op: 'Add', inputs: ['x', 'm'], outputs: ['s'], attributes: { broadcast: { int: 1 }, axis: { int: 0 } } },
      { op: 'ReduceSum', inputs: ['s'], outputs: ['y'], attributes: { axes: { ints: [2, 3] }, keepdims: { int: 0 } } },
    ],
    outputs: ['y'],
  });

  it('y[n, c] = Σ x[n, c] + 16·mean(x[n, c]) = 2·Σ x[n, c], so ∂y[n, c]/∂x[n, c, h, w] = 2, for two batch sizes', async () => {
    const backend = await onnxBackend(model);
    try {
      for (const count of [1, 2]) {
        const x = Float32Array.from({ length: count * 48 }, (_, i) => Math.cos(2 * i + 0.5));
        const sums = Array.from({ length: count * 3 }, (_, k) => x.subarray(16 * k, 16 * k + 16).reduce((a, v) => a + v, 0));
        const y = await backend.predict({ points: [x], pointShapes: [[3, 4, 4]], count });
        // Sums of 16 float32 values and a mean of them: within 1e-6 of the float64 sums (measured 3.1e-7).
        Array.from(y).forEach((v, k) => expect(Math.abs(v - 2 * (sums[k] as number))).toBeLessThan(1e-6));
        const weights = new Float32Array(count * 3).fill(0);
        for (let n = 0; n < count; n++) weights[3 * n + 1] = 1;
        const response = await backend.gradients({ points: [x], pointShapes: [[3, 4, 4]], count, outputWeights: weights });
        const expected = Array.from(x, (_, i) => (Math.floor(i / 16) % 3 === 1 ? 2 : 0));
        // 1 + 16·(1/16): one float32 rounding at most
        Array.from(response.gradients[0] as Float32Array).forEach((g, i) => expect(Math.abs(g - (expected[i] as number))).toBeLessThanOrEqual(2 ** -22));
      }
    } finally {
      await backend.dispose();
    }
  });
});

// The same operand through Gather (channels reversed): its rank is the data's plus the indices'
// less one. Through a Squeeze without axes its rank hangs on the data, and onnxruntime cannot run
// the legacy model to measure it: a typed error names the tensor.
describe('a legacy broadcast operand gathered, or squeezed by its values', () => {
  const modelWith = (squeeze: boolean): Uint8Array =>
    makeModel({
      opset: 6,
      inputs: { x: ['N', 3, 4, 4] },
      constants: { channels: { dims: [3], values: [2, 1, 0], type: 'int64' } },
      nodes: [
        { op: 'ReduceMean', inputs: ['x'], outputs: ['m'], attributes: { axes: { ints: [2, 3] }, keepdims: { int: squeeze ? 1 : 0 } } },
        squeeze
          ? { op: 'Squeeze', inputs: ['m'], outputs: ['t'] }
          : { op: 'Gather', inputs: ['m', 'channels'], outputs: ['t'], attributes: { axis: { int: 1 } } },
        { op: 'Add', inputs: ['x', 't'], outputs: ['s'], attributes: { broadcast: { int: 1 }, axis: { int: 0 } } },
        { op: 'ReduceSum', inputs: ['s'], outputs: ['y'], attributes: { axes: { ints: [2, 3] }, keepdims: { int: 0 } } },
      ],
      outputs: ['y'],
    });

  it('gathered: y[n, c] = Σ x[n, c] + Σ x[n, 2 − c], so ∂y[n, 0]/∂x is 1 on channels 0 and 2', async () => {
    const backend = await onnxBackend(modelWith(false));
    try {
      const x = Float32Array.from({ length: 2 * 48 }, (_, i) => Math.sin(i + 0.25));
      const weights = Float32Array.from({ length: 6 }, (_, k) => (k % 3 === 0 ? 1 : 0));
      const response = await backend.gradients({ points: [x], pointShapes: [[3, 4, 4]], count: 2, outputWeights: weights });
      const expected = Array.from(x, (_, i) => (Math.floor(i / 16) % 3 === 1 ? 0 : 1));
      // 1 or 16·(1/16): one float32 rounding at most
      Array.from(response.gradients[0] as Float32Array).forEach((g, i) => expect(Math.abs(g - (expected[i] as number))).toBeLessThanOrEqual(2 ** -23));
    } finally {
      await backend.dispose();
    }
  });

  it('squeezed: a LegacyUpgradeError naming the tensor whose shape the rewrite needs, with onnxruntime’s reason', async () => {
    const error = await onnxBackend(modelWith(true)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LegacyUpgradeError);
    expect((error as LegacyUpgradeError).tensorName).toBe('t');
    expect((error as Error).message).toMatch(
      /^the model's default-domain opset 6 predates the kernels onnxruntime runs, and rewriting it to opset 11 needs the shape of tensor "t", .*\(onnxruntime: .*Add\(6\)/,
    );
  });
});
