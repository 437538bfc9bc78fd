import { describe, expect, it } from 'vitest';
import { runModel, runtimes } from './helpers/ort.js';
import { caseModel, contribNode, node, randomConstant, type ContribCase } from './helpers/contrib-decomposition.js';
import { decomposeModel, mixedMasks } from './helpers/decompose.js';
import { decompositionError } from './helpers/decomposition-error.js';
import { rng, uniform } from './helpers/random.js';

const ort = runtimes.node;
const caches = { cos: randomConstant(31, [6, 2]), sin: randomConstant(32, [6, 2]) };

/** com.microsoft.RotaryEmbedding of x [1, 3, 8] (2 heads of 4) at the given positions, then a Relu so the decomposition has a kink after it. */
function rotaryCase(attributes: Parameters<typeof contribNode>[2], positions: { dims: number[]; values: number[] }): ContribCase {
  const model = {
    opset: 13,
    nodes: [contribNode('RotaryEmbedding', ['x', 'pos', 'cos', 'sin'], { num_heads: { int: 2 }, ...attributes }, ['r']), node('Relu', ['r'], ['y'])],
  };
  return { shape: [1, 3, 8], constants: { ...caches, pos: { ...positions, type: 'int64' } }, fused: model, standard: model };
}

describe('contextual decomposition of com.microsoft.RotaryEmbedding: the rotation is linear, each part goes through onnxruntime’s kernel', () => {
  it.each([
    ['position_ids [B, S]', rotaryCase({}, { dims: [1, 3], values: [0, 2, 5] })],
    ['interleaved, start position 2', rotaryCase({ interleaved: { int: 1 } }, { dims: [1], values: [2] })],
  ])('%s: the relevant part before the Relu is the kernel run on the relevant input alone', async (_what, c) => {
    const bytes = caseModel(c, c.fused);
    const rotated = caseModel({ ...c, output: 'r' }, { ...c.fused, nodes: c.fused.nodes.slice(0, 1) });
    const x = uniform(rng(7), 24, -2, 2);
    const masks = mixedMasks(rng(8), 24, 4);
    const parts = await decomposeModel(rotated, x, [3, 8], masks, 4);
    for (let k = 0; k < 4; k++) {
      const mask = masks.subarray(k * 24, (k + 1) * 24);
      const relevantInput = x.map((v, j) => v * (mask[j] as number));
      const kernel = (await runModel(ort, rotated, { x: new ort.Tensor('float32', relevantInput, [1, 3, 8]) })).r?.data as Float32Array;
      // The same kernel on the same numbers: exactly equal.
      expect(Array.from(parts.relevant.subarray(k * 24, (k + 1) * 24))).toEqual(Array.from(kernel));
    }
    // Through the Relu after it, relevant + irrelevant is the model's output (acd's ReLU rule): measured
    // 6.0e-8 (the rotation of the two parts and of the whole round apart).
    const whole = await decomposeModel(bytes, x, [3, 8], masks, 4);
    whole.relevant.forEach((rel, i) => expect(Math.abs(rel + (whole.irrelevant[i] as number) - (whole.output[i % 24] as number))).toBeLessThan(1e-6));
  });

  it('a cos cache computed from the input is refused, naming the cache', () => {
    const c = rotaryCase({}, { dims: [1], values: [0] });
    const bytes = caseModel(c, {
      opset: 13,
      nodes: [
        node('ReduceMean', ['x'], ['level'], { axes: { ints: [0, 1, 2] }, keepdims: { int: 0 } }),
        node('Mul', ['cos', 'level'], ['computed_cos']),
        contribNode('RotaryEmbedding', ['x', 'pos', 'computed_cos', 'sin'], { num_heads: { int: 2 } }),
      ],
    });
    const error = decompositionError(bytes);
    expect(error.nodes[0]?.opType).toBe('RotaryEmbedding');
    expect(error.nodes[0]?.domain).toBe('com.microsoft');
    expect(error.nodes[0]?.reason).toMatch(/its cos cache "computed_cos" depends on the model input/);
  });
});
