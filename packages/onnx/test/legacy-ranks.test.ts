import { describe, expect, it } from 'vitest';
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
