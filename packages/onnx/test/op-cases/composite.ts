import { float, int, single, str, type OpCase } from './case.js';
import type { ConstantSpec } from '../helpers/model.js';

/** Ops lowered into standard ops before differentiation (src/model/composite). */
export const compositeCases: OpCase[] = [
  single('RMSNormalization last axis', 23, 'RMSNormalization', { x: [2, 3, 5], s: [5] }),
  single('RMSNormalization axis 1, epsilon 0.1', 23, 'RMSNormalization', { x: [2, 3, 4], s: [3, 4] }, { axis: int(1), epsilon: float(0.1) }),
  single('RMSNormalization axis -2, scale broadcast', 23, 'RMSNormalization', { x: [2, 3, 4], s: [1, 4] }, { axis: int(-2) }),
];

const i64 = (values: number[], dims: number[]): ConstantSpec => ({ dims, values, type: 'int64' });

/** Scatters (data and updates both differentiated) and Trilu. */
export const scatterCases: OpCase[] = [
  single(
    'ScatterElements axis 0, overwrite',
    13,
    'ScatterElements',
    { x: [3, 4], u: [2, 4] },
    {},
    { nodeInputs: ['x', 'i', 'u'], constants: { i: i64([1, 0, 2, 2, 0, 2, 1, 0], [2, 4]) } },
  ),
  single(
    'ScatterElements axis -1, add with repeated and negative indices',
    16,
    'ScatterElements',
    { x: [2, 5], u: [2, 3] },
    { axis: int(-1), reduction: str('add') },
    { nodeInputs: ['x', 'i', 'u'], constants: { i: i64([0, 4, 0, -1, 2, 2], [2, 3]) } },
  ),
  single('ScatterND rows, overwrite', 13, 'ScatterND', { x: [4, 3], u: [2, 3] }, {}, { nodeInputs: ['x', 'i', 'u'], constants: { i: i64([1, 3], [2, 1]) } }),
  single(
    'ScatterND pairs, add with a repeated pair',
    16,
    'ScatterND',
    { x: [2, 3, 4], u: [3, 4] },
    { reduction: str('add') },
    { nodeInputs: ['x', 'i', 'u'], constants: { i: i64([0, 1, 1, 2, 0, 1], [3, 2]) } },
  ),
  single('Trilu upper', 14, 'Trilu', { x: [2, 4, 5] }),
  single('Trilu lower k -1', 14, 'Trilu', { x: [3, 5, 4] }, { upper: int(0) }, { nodeInputs: ['x', 'k'], constants: { k: i64([-1], []) } }),
  single('Trilu upper k 2', 14, 'Trilu', { x: [4, 6] }, {}, { nodeInputs: ['x', 'k'], constants: { k: i64([2], []) } }),
];
