import { int, node, single, str, type OpCase } from './case.js';
import type { ConstantSpec } from '../helpers/model.js';

const i64 = (values: number[], dims: number[]): ConstantSpec => ({ dims, values, type: 'int64' });

// Repeated and negative indices throughout: repeated ones must add up.
const elementsAxis0 = i64([0, 2, -1, 1, 0, 0, 2, 2], [2, 4]);
const elementsAxis1 = i64([3, 0, 3, -4, 1, 2, 2, 2, 0, -1], [2, 5]);
const tuples = i64([0, 1, 2, 3, 0, 1, -1, 0], [2, 2, 2]);
const batched = i64([1, 1, 0, 2, 0, 2], [2, 3, 1]);

function gatherCases(opset: number): OpCase[] {
  const path = opset >= 16 ? 'scatter-add' : 'one-hot';
  return [
    single(
      `GatherElements axis 0 repeated indices (opset ${opset}, ${path})`,
      opset,
      'GatherElements',
      { x: [3, 4] },
      { axis: int(0) },
      { nodeInputs: ['x', 'i'], constants: { i: elementsAxis0 } },
    ),
    single(
      `GatherElements axis 1 indices shorter than x (opset ${opset}, ${path})`,
      opset,
      'GatherElements',
      { x: [3, 4] },
      { axis: int(-1) },
      { nodeInputs: ['x', 'i'], constants: { i: elementsAxis1 } },
    ),
    single(
      `GatherND tuples of 2 repeated (opset ${opset}, ${path})`,
      opset,
      'GatherND',
      { x: [3, 4, 2] },
      {},
      { nodeInputs: ['x', 'i'], constants: { i: tuples } },
    ),
    single(
      `GatherND batch_dims 1 (opset ${opset}, ${path})`,
      opset,
      'GatherND',
      { x: [2, 3, 4] },
      { batch_dims: int(1) },
      { nodeInputs: ['x', 'i'], constants: { i: batched } },
    ),
  ];
}

/** GatherElements along the middle axis of a rank-3 x, with int32 indices (a Cast of float constants). */
const middleAxisInt32 = (opset: number): OpCase => ({
  name: `GatherElements axis 1 of rank 3, int32 indices (opset ${opset})`,
  model: {
    opset,
    inputs: { x: [2, 3, 4] },
    constants: { f: { dims: [2, 2, 3], values: [2, 0, 2, 1, -1, 0, 0, 0, 1, 2, 1, -3] } },
    nodes: [node('Cast', ['f'], ['i'], { to: int(6) }), node('GatherElements', ['x', 'i'], ['y'], { axis: int(1) })],
    outputs: ['y'],
  },
});

const topK = (name: string, opset: number, shape: number[], k: number, attributes: Record<string, ReturnType<typeof int>>): OpCase => ({
  name,
  model: { opset, inputs: { x: shape }, constants: { k: i64([k], [1]) }, nodes: [node('TopK', ['x', 'k'], ['y', 'i'], attributes)], outputs: ['y'] },
});

const einsum = (equation: string, inputs: Record<string, number[]>): OpCase => single(`Einsum ${equation}`, 12, 'Einsum', inputs, { equation: str(equation) });

export const gatherEinsumCases: OpCase[] = [
  ...gatherCases(13),
  ...gatherCases(18),
  topK('TopK k 2 axis 1 largest', 11, [3, 5], 2, { axis: int(1) }),
  topK('TopK k 3 axis 0 smallest', 13, [4, 3], 3, { axis: int(0), largest: int(0) }),
  {
    name: 'TopK k attribute (opset 9)',
    model: { opset: 9, inputs: { x: [2, 5] }, nodes: [node('TopK', ['x'], ['y', 'i'], { k: int(3) })], outputs: ['y'] },
  },
  einsum('bij,bjk->bik', { a: [2, 3, 4], b: [2, 4, 5] }),
  einsum('bhqd,bhkd->bhqk', { q: [1, 2, 3, 4], k: [1, 2, 5, 4] }),
  einsum('...ij,jk->...ik', { a: [2, 3, 4], b: [4, 2] }),
  einsum('ij,jk', { a: [3, 4], b: [4, 2] }),
  einsum('ij,ij->', { a: [3, 4], b: [3, 4] }),
  einsum('ijk,j->ki', { a: [2, 3, 4], b: [3] }),
  einsum('ij->i', { a: [3, 4] }),
  einsum('i,j->ij', { a: [3], b: [4] }),
  middleAxisInt32(13),
  middleAxisInt32(18),
  // Repeated indices: diagonals and traces.
  einsum('ii->i', { a: [3, 3] }),
  einsum('bii', { a: [2, 3, 3] }),
  einsum('ij,jj->ij', { a: [2, 3], b: [3, 3] }),
  einsum('iij->ij', { a: [3, 3, 2] }),
  // sorted: 0 is left out: the order of its values is the runtime's choice, and onnxruntime-web's differs from -node's.
  topK('TopK smallest (opset 24)', 24, [2, 6], 4, { axis: int(-1), largest: int(0) }),
  // Broadcasting: an index of size 1 in one operand against a larger size in another.
  einsum('...ij,...jk->...ik', { a: [2, 3, 4], b: [1, 4, 5] }),
  einsum('ij,ij->i', { a: [3, 4], b: [3, 1] }),
  einsum('nij,njk->nik', { a: [1, 3, 4], b: [2, 4, 5] }),
];
