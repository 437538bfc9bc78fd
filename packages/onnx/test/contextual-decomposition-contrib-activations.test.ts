import { describe, it } from 'vitest';
import { expectStandardOpsDecomposition, contribNode, node, randomConstant, scalar, type ContribCase } from './helpers/contrib-decomposition.js';
import type { NodeSpec } from './helpers/model.js';

const shape = [1, 3, 6];
const numbers = { one: scalar(1), half: scalar(0.5), two: scalar(2), sqrt2: scalar(Math.SQRT2), eps: scalar(1e-5) };

/** GELU as PyTorch exports it before opset 20: x·(1 + erf(x/√2))·½. */
const erfGelu = (x: string): NodeSpec[] => [
  node('Div', [x, 'sqrt2'], ['g_scaled']),
  node('Erf', ['g_scaled'], ['g_erf']),
  node('Add', ['g_erf', 'one'], ['g_gate']),
  node('Mul', [x, 'g_gate'], ['g_product']),
  node('Mul', ['g_product', 'half'], ['y']),
];

/** The tanh approximation written out: x·(1 + tanh(√(2/π)·(x + 0.044715·x·x·x)))·½. */
const tanhGelu = (x: string): NodeSpec[] => [
  node('Mul', [x, x], ['t_square']),
  node('Mul', ['t_square', x], ['t_cube']),
  node('Mul', ['t_cube', 'cubic'], ['t_cubic']),
  node('Add', [x, 't_cubic'], ['t_inner']),
  node('Mul', ['t_inner', 'slope'], ['t_scaled']),
  node('Tanh', ['t_scaled'], ['t_tanh']),
  node('Add', ['t_tanh', 'one'], ['t_gate']),
  node('Mul', [x, 't_gate'], ['t_product']),
  node('Mul', ['t_product', 'half'], ['y']),
];
const tanhConstants = { cubic: scalar(0.044715), slope: scalar(Math.sqrt(2 / Math.PI)) };

/** RMS normalization as exported: x / √(mean(x², axes) + ε) · scale. */
const rmsNormalized = (x: string, axes: readonly number[], out = 'y'): NodeSpec[] => [
  node('Pow', [x, 'two'], ['r_square']),
  node('ReduceMean', ['r_square'], ['r_mean'], { axes: { ints: axes } }),
  node('Add', ['r_mean', 'eps'], ['r_shifted']),
  node('Sqrt', ['r_shifted'], ['r_root']),
  node('Div', [x, 'r_root'], ['r_normalized']),
  node('Mul', ['r_normalized', 'gamma'], [out]),
];

/** LayerNorm over the last axis as exported before opset 17. */
const layerNormalized = (x: string, beta = true): NodeSpec[] => [
  node('ReduceMean', [x], ['l_mean'], { axes: { ints: [-1] } }),
  node('Sub', [x, 'l_mean'], ['l_deviation']),
  node('Pow', ['l_deviation', 'two'], ['l_square']),
  node('ReduceMean', ['l_square'], ['l_variance'], { axes: { ints: [-1] } }),
  node('Add', ['l_variance', 'eps'], ['l_shifted']),
  node('Sqrt', ['l_shifted'], ['l_root']),
  node('Div', ['l_deviation', 'l_root'], ['l_normalized']),
  ...(beta
    ? [node('Mul', ['l_normalized', 'gamma'], ['l_scaled']), node('Add', ['l_scaled', 'beta'], ['y'])]
    : [node('Mul', ['l_normalized', 'gamma'], ['y'])]),
];

const vectors = {
  bias: randomConstant(21, [6]),
  gamma: randomConstant(22, [6]),
  beta: randomConstant(23, [6]),
  k: randomConstant(24, [6]),
  residual: randomConstant(26, [1, 3, 6]),
  alpha: scalar(1.702),
};
const constants = { ...numbers, ...tanhConstants, ...vectors };
const opset = 13;
const eps = { epsilon: { float: 1e-5 } };
/** skip = x·k, a decomposed residual branch. */
const skipBranch = node('Mul', ['x', 'k'], ['skip']);

function oneNode(fused: readonly NodeSpec[], standard: readonly NodeSpec[], output?: string, inputShape = shape): ContribCase {
  return { shape: inputShape, constants, fused: { opset, nodes: fused }, standard: { opset, nodes: standard }, ...(output ? { output } : {}) };
}

const cases: readonly (readonly [string, ContribCase])[] = [
  ['Gelu', oneNode([contribNode('Gelu', ['x'])], erfGelu('x'))],
  ['BiasGelu', oneNode([contribNode('BiasGelu', ['x', 'bias'])], [node('Add', ['x', 'bias'], ['a']), ...erfGelu('a')])],
  ['FastGelu', oneNode([contribNode('FastGelu', ['x'])], tanhGelu('x'))],
  ['FastGelu with a bias', oneNode([contribNode('FastGelu', ['x', 'bias'])], [node('Add', ['x', 'bias'], ['a']), ...tanhGelu('a')])],
  [
    'QuickGelu (alpha 1.702)',
    oneNode(
      [contribNode('QuickGelu', ['x'], { alpha: { float: 1.702 } })],
      [node('Mul', ['x', 'alpha'], ['s']), node('Sigmoid', ['s'], ['g']), node('Mul', ['x', 'g'], ['y'])],
    ),
  ],
  [
    'QuickGelu (alpha 1: SiLU)',
    oneNode([contribNode('QuickGelu', ['x'], { alpha: { float: 1 } })], [node('Sigmoid', ['x'], ['g']), node('Mul', ['x', 'g'], ['y'])]),
  ],
  ['SimplifiedLayerNormalization', oneNode([node('SimplifiedLayerNormalization', ['x', 'gamma'], ['y'], eps)], rmsNormalized('x', [-1]))],
  [
    'SimplifiedLayerNormalization over axes 1… (axis 1)',
    {
      ...oneNode([node('SimplifiedLayerNormalization', ['x', 'gamma'], ['y'], { axis: { int: 1 }, ...eps })], rmsNormalized('x', [1, 2])),
      constants: { ...constants, gamma: randomConstant(25, [3, 6]) },
    },
  ],
  [
    'LayerNormalization below opset 17 (onnxruntime registers it)',
    oneNode([node('LayerNormalization', ['x', 'gamma', 'beta'], ['y'], eps)], layerNormalized('x')),
  ],
  [
    'SkipLayerNormalization with bias and beta',
    oneNode(
      [skipBranch, contribNode('SkipLayerNormalization', ['x', 'skip', 'gamma', 'beta', 'bias'], eps)],
      [skipBranch, node('Add', ['skip', 'bias'], ['biased']), node('Add', ['x', 'biased'], ['sum']), ...layerNormalized('sum')],
    ),
  ],
  [
    'SkipLayerNormalization: its sum output',
    oneNode(
      [skipBranch, contribNode('SkipLayerNormalization', ['x', 'skip', 'gamma', 'beta', 'bias'], eps, ['y', '', '', 'sum'])],
      [skipBranch, node('Add', ['skip', 'bias'], ['biased']), node('Add', ['x', 'biased'], ['sum'])],
      'sum',
    ),
  ],
  [
    'SkipLayerNormalization with a constant skip, without bias and beta',
    oneNode(
      [contribNode('SkipLayerNormalization', ['x', 'residual', 'gamma'], eps)],
      [node('Add', ['x', 'residual'], ['sum']), ...layerNormalized('sum', false)],
    ),
  ],
  [
    'SkipSimplifiedLayerNormalization with bias',
    oneNode(
      [skipBranch, contribNode('SkipSimplifiedLayerNormalization', ['x', 'skip', 'gamma', 'bias'], eps)],
      [skipBranch, node('Add', ['skip', 'bias'], ['biased']), node('Add', ['x', 'biased'], ['sum']), ...rmsNormalized('sum', [-1])],
    ),
  ],
];

describe('contextual decomposition of a contrib activation or normalization equals that of the standard ops it stands for', () => {
  it.each(cases)('%s', async (what, c) => {
    // Measured at most 9.2e-8 of the scale (Gelu: x/√2 exported as a Div, decomposed as a Mul by 1/√2), else 0 or an ulp.
    // Measured at most 1e-7 of the scale: float32 rounding of the parts' sums.
    await expectStandardOpsDecomposition(c, what, 5e-7);
  });
});
