import { describe, expect, it } from 'vitest';
import { agglomerate, contextualDecompositionScorer, hierarchyProblems, occlusionScorer, sequenceUnits, tensor } from '@ig/core';
import { createContextualDecomposition, createOnnxBackend } from '../src/index.js';
import { makeModel } from './helpers/model.js';
import { runtimes } from './helpers/ort.js';
import { rng, uniform } from './helpers/random.js';

const ort = runtimes.node;
const random = rng(21);
const values = (count: number): number[] => Array.from(uniform(random, count, -1, 1));

// A tiny 1-D model over 8 "tokens" of 2 features each: [N, 8, 2] → Flatten → Gemm → Tanh → Gemm.
const bytes = makeModel({
  opset: 13,
  inputs: { x: ['N', 8, 2] },
  constants: {
    w1: { dims: [16, 6], values: values(96) },
    b1: { dims: [6], values: values(6) },
    w2: { dims: [6, 3], values: values(18) },
    b2: { dims: [3], values: values(3) },
  },
  nodes: [
    { op: 'Flatten', inputs: ['x'], outputs: ['f'] },
    { op: 'Gemm', inputs: ['f', 'w1', 'b1'], outputs: ['h'] },
    { op: 'Tanh', inputs: ['h'], outputs: ['t'] },
    { op: 'Gemm', inputs: ['t', 'w2', 'b2'], outputs: ['y'] },
  ],
  outputs: ['y'],
});

describe('a sequence hierarchy on a hand-built 1-D ONNX model', () => {
  it('CD and occlusion trees nest, keep phrases contiguous, and every node carries its group score', async () => {
    const x = tensor(uniform(random, 16, -2, 2), [1, 8, 2]);
    const backend = await createOnnxBackend(ort, 'onnxruntime-node', bytes);
    const cd = await createContextualDecomposition(ort, 'onnxruntime-node', bytes);
    const layout = sequenceUnits(8, 2);
    for (const kind of ['cd', 'occlusion'] as const) {
      const scorer =
        kind === 'cd'
          ? await contextualDecompositionScorer({ backend, decomposition: cd, input: x, target: 2 })
          : await occlusionScorer({ backend, input: x, target: 2 });
      const tree = await agglomerate(scorer, layout, { percentileInclude: 70, iterations: 2 });
      expect(hierarchyProblems(tree)).toEqual([]);
      const masks = new Float32Array(tree.nodes.length * 16);
      const occluded = new Float32Array(tree.nodes.length * 16);
      tree.nodes.forEach((node, k) => {
        expect(node.units).toEqual(Array.from({ length: node.units.length }, (_, i) => (node.units[0] as number) + i));
        occluded.set(x.data, k * 16);
        for (const f of node.features) {
          masks[k * 16 + f] = 1;
          occluded[k * 16 + f] = 0;
        }
      });
      const direct =
        kind === 'cd'
          ? (await cd.decompose(x.data, [8, 2], masks, tree.nodes.length)).relevant
          : await backend.predict({ points: [occluded], pointShapes: [[8, 2]], count: tree.nodes.length });
      const fx = (await backend.predict({ points: [x.data], pointShapes: [[8, 2]], count: 1 }))[2] as number;
      tree.nodes.forEach((node, k) => {
        const expected = kind === 'cd' ? (direct[k * 3 + 2] as number) : fx - (direct[k * 3 + 2] as number);
        expect(Math.abs(node.score - expected)).toBeLessThan(1e-6);
      });
    }
    await cd.dispose();
    await backend.dispose();
  });
});
