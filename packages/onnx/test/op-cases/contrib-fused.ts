import { float, int, ints, str, type OpCase } from './case.js';
import type { AttributeValue } from '../../src/index.js';

const floats = (values: readonly number[]): AttributeValue => ({ floats: values });

import { contrib } from './contrib-fused-case.js';
import { contribNormalizationCases } from './contrib-normalization.js';

/** com.microsoft.FusedConv: Conv + Z, then the fused activation. */
const fusedConvCases: OpCase[] = [
  contrib(
    'FusedConv Relu, bias, asymmetric pads, strides, dilations',
    13,
    'FusedConv',
    { x: [1, 2, 6, 7], w: [3, 2, 3, 2], b: [3] },
    { activation: str('Relu'), pads: ints([1, 0, 2, 1]), strides: ints([2, 1]), dilations: ints([1, 2]), kernel_shape: ints([3, 2]) },
  ),
  contrib(
    'FusedConv LeakyRelu, group 2, bias and Z',
    13,
    'FusedConv',
    { x: [1, 4, 5, 5], w: [4, 2, 3, 3], b: [4], z: [1, 4, 3, 3] },
    { activation: str('LeakyRelu'), activation_params: floats([0.2]), group: int(2) },
  ),
  contrib(
    'FusedConv Clip, auto_pad SAME_UPPER, no bias',
    18,
    'FusedConv',
    { x: [2, 2, 5, 4], w: [2, 2, 2, 3] },
    { activation: str('Clip'), activation_params: floats([-0.5, 0.6]), auto_pad: str('SAME_UPPER'), strides: ints([2, 2]) },
  ),
  contrib(
    'FusedConv HardSigmoid 1-D, bias and Z',
    18,
    'FusedConv',
    { x: [1, 2, 7], w: [3, 2, 3], b: [3], z: [1, 3, 5] },
    { activation: str('HardSigmoid'), activation_params: floats([0.3, 0.4]) },
  ),
  contrib(
    'FusedConv Tanh, Z without bias',
    13,
    'FusedConv',
    { x: [1, 2, 4, 4], w: [2, 2, 2, 2], z: [1, 2, 3, 3] },
    { activation: str('Tanh') },
    { nodeInputs: ['x', 'w', '', 'z'] },
  ),
  contrib(
    'FusedConv Sigmoid, auto_pad SAME_LOWER',
    13,
    'FusedConv',
    { x: [1, 1, 5, 5], w: [2, 1, 2, 2], b: [2] },
    { activation: str('Sigmoid'), auto_pad: str('SAME_LOWER') },
  ),
  contrib('FusedConv without activation', 13, 'FusedConv', { x: [1, 2, 4, 3], w: [2, 2, 2, 2], b: [2] }),
  contrib(
    'FusedConv Relu 3-D, auto_pad VALID, strides',
    18,
    'FusedConv',
    { x: [1, 2, 4, 5, 3], w: [2, 2, 2, 2, 2], b: [2] },
    { activation: str('Relu'), auto_pad: str('VALID'), strides: ints([1, 2, 1]) },
  ),
];

/** com.microsoft.FusedGemm: Gemm, then the activation with activation_alpha/beta/gamma. */
const fusedGemmCases: OpCase[] = [
  contrib(
    'FusedGemm LeakyRelu, alpha, beta, transA, transB',
    13,
    'FusedGemm',
    { a: [4, 3], b: [5, 4], c: [5] },
    { activation: str('LeakyRelu'), activation_alpha: float(0.2), alpha: float(0.7), beta: float(1.3), transA: int(1), transB: int(1) },
  ),
  contrib(
    'FusedGemm HardSigmoid, C broadcast over columns',
    13,
    'FusedGemm',
    { a: [3, 4], b: [4, 2], c: [3, 1] },
    { activation: str('HardSigmoid'), activation_alpha: float(0.3), activation_beta: float(0.4) },
  ),
  contrib(
    'FusedGemm Selu, no C',
    18,
    'FusedGemm',
    { a: [3, 4], b: [4, 2] },
    { activation: str('Selu'), activation_alpha: float(1.5), activation_gamma: float(0.8) },
  ),
  contrib('FusedGemm Elu, transB', 13, 'FusedGemm', { a: [2, 3], b: [4, 3], c: [1] }, { activation: str('Elu'), activation_alpha: float(0.6), transB: int(1) }),
  contrib('FusedGemm Relu', 13, 'FusedGemm', { a: [2, 3], b: [3, 4], c: [2, 4] }, { activation: str('Relu') }),
  contrib('FusedGemm Tanh', 13, 'FusedGemm', { a: [2, 3], b: [3, 4], c: [4] }, { activation: str('Tanh'), alpha: float(1.5) }),
  contrib('FusedGemm Sigmoid', 13, 'FusedGemm', { a: [2, 3], b: [3, 4] }, { activation: str('Sigmoid'), transA: int(0) }),
  contrib('FusedGemm Softplus', 13, 'FusedGemm', { a: [2, 3], b: [3, 4], c: [4] }, { activation: str('Softplus') }),
  contrib('FusedGemm Softsign', 13, 'FusedGemm', { a: [2, 3], b: [3, 4], c: [4] }, { activation: str('Softsign') }),
  contrib(
    'FusedGemm ScaledTanh',
    13,
    'FusedGemm',
    { a: [2, 3], b: [3, 4], c: [4] },
    { activation: str('ScaledTanh'), activation_alpha: float(1.5), activation_beta: float(0.7) },
  ),
  contrib(
    'FusedGemm ParametricSoftplus',
    13,
    'FusedGemm',
    { a: [2, 3], b: [3, 4], c: [4] },
    { activation: str('ParametricSoftplus'), activation_alpha: float(2), activation_beta: float(0.5) },
  ),
];

/** com.microsoft.FusedMatMul and TransposeMatMul: alpha·A'·B'. */
const fusedMatMulCases: OpCase[] = [
  contrib('FusedMatMul 2-D transA, transB, alpha', 13, 'FusedMatMul', { a: [4, 3], b: [5, 4] }, { alpha: float(0.5), transA: int(1), transB: int(1) }),
  contrib('FusedMatMul 3-D by 2-D, alpha', 13, 'FusedMatMul', { a: [2, 3, 4], b: [4, 5] }, { alpha: float(2) }),
  contrib('FusedMatMul 4-D transBatchA and transBatchB', 18, 'FusedMatMul', { a: [3, 2, 4, 5], b: [5, 2, 4, 6] }, { transBatchA: int(1), transBatchB: int(1) }),
  contrib(
    'FusedMatMul 3-D transBatchA with transA, transBatchB',
    13,
    'FusedMatMul',
    { a: [3, 2, 4], b: [3, 2, 5] },
    { transA: int(1), transBatchA: int(1), transBatchB: int(1), alpha: float(0.8) },
  ),
  contrib('FusedMatMul 4-D broadcast batches, transB', 13, 'FusedMatMul', { a: [2, 1, 3, 4], b: [1, 3, 2, 4] }, { transB: int(1) }),
  contrib('FusedMatMul 3-D transBatchB with transB', 18, 'FusedMatMul', { a: [2, 3, 4], b: [5, 2, 4] }, { transB: int(1), transBatchB: int(1) }),
  contrib('TransposeMatMul 3-D transA, alpha', 13, 'TransposeMatMul', { a: [2, 4, 3], b: [2, 4, 5] }, { transA: int(1), alpha: float(1.5) }),
];

const wide = { x: [-3, 3] as const };

/** com.microsoft Gelu, BiasGelu, FastGelu, QuickGelu. */
const geluCases: OpCase[] = [
  contrib('Gelu (com.microsoft)', 13, 'Gelu', { x: [2, 3, 4] }, {}, { ranges: wide }),
  contrib('BiasGelu', 13, 'BiasGelu', { x: [2, 3, 4], b: [4] }, {}, { ranges: wide }),
  contrib('FastGelu with bias', 13, 'FastGelu', { x: [2, 3, 4], b: [4] }, {}, { ranges: wide }),
  contrib('FastGelu without bias', 18, 'FastGelu', { x: [3, 5] }, {}, { ranges: wide }),
  contrib('QuickGelu default alpha', 13, 'QuickGelu', { x: [2, 3, 4] }, {}, { ranges: wide }),
  contrib('QuickGelu alpha 1.3', 18, 'QuickGelu', { x: [3, 5] }, { alpha: float(1.3) }, { ranges: wide }),
];

export const contribFusedCases: OpCase[] = [...fusedConvCases, ...fusedGemmCases, ...fusedMatMulCases, ...geluCases, ...contribNormalizationCases];
