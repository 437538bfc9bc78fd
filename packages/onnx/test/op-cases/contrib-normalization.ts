import { float, int, node, type OpCase } from './case.js';
import { contrib, MICROSOFT } from './contrib-fused-case.js';

/** A skip normalization whose residual sum (its fourth output) is read too: y = output + sum². */
function withResidualSum(name: string, opset: number, op: string, inputs: Readonly<Record<string, readonly number[]>>, nodeInputs: readonly string[]): OpCase {
  return {
    name,
    model: {
      opset,
      inputs,
      nodes: [
        { ...node(op, nodeInputs, ['normalized', '', '', 'sum'], { epsilon: float(1e-5) }), domain: MICROSOFT },
        node('Mul', ['sum', 'sum'], ['square']),
        node('Add', ['normalized', 'square'], ['y']),
      ],
      outputs: ['y'],
      extraOpsets: [{ domain: MICROSOFT, version: 1 }],
    },
  };
}

/** The normalizations onnxruntime writes: LayerNormalization below opset 17, the simplified and skip forms. */
export const contribNormalizationCases: OpCase[] = [
  contrib('LayerNormalization at opset 13 (onnxruntime contrib)', 13, 'LayerNormalization', { x: [2, 3, 4], s: [4], b: [4] }, {}, { domain: '', check: ['x'] }),
  contrib(
    'LayerNormalization at opset 14, axis 1, no bias',
    14,
    'LayerNormalization',
    { x: [2, 3, 4], s: [3, 4] },
    { axis: int(1), epsilon: float(0.1) },
    { domain: '', check: ['x'] },
  ),
  contrib('SimplifiedLayerNormalization last axis', 13, 'SimplifiedLayerNormalization', { x: [2, 3, 5], s: [5] }, {}, { domain: '' }),
  contrib(
    'SimplifiedLayerNormalization axis 1, epsilon 0.1',
    18,
    'SimplifiedLayerNormalization',
    { x: [2, 3, 4], s: [3, 4] },
    { axis: int(1), epsilon: float(0.1) },
    { domain: '' },
  ),
  contrib(
    'SkipLayerNormalization with beta and bias',
    13,
    'SkipLayerNormalization',
    { x: [2, 3, 4], skip: [2, 3, 4], gamma: [4], beta: [4], bias: [4] },
    { epsilon: float(1e-5) },
  ),
  contrib(
    'SkipLayerNormalization 2-D skip, no beta or bias',
    18,
    'SkipLayerNormalization',
    { x: [2, 3, 5], skip: [3, 5], gamma: [5] },
    { epsilon: float(0.1) },
  ),
  contrib(
    'SkipLayerNormalization bias without beta',
    13,
    'SkipLayerNormalization',
    { x: [2, 3, 4], skip: [1, 3, 4], gamma: [4], bias: [4] },
    { epsilon: float(1e-5) },
    { nodeInputs: ['x', 'skip', 'gamma', '', 'bias'] },
  ),
  withResidualSum(
    'SkipLayerNormalization input_skip_bias_sum output',
    13,
    'SkipLayerNormalization',
    { x: [2, 3, 4], skip: [2, 3, 4], gamma: [4], beta: [4], bias: [4] },
    ['x', 'skip', 'gamma', 'beta', 'bias'],
  ),
  contrib(
    'SkipSimplifiedLayerNormalization with bias',
    13,
    'SkipSimplifiedLayerNormalization',
    { x: [2, 3, 4], skip: [2, 3, 4], gamma: [4], bias: [4] },
    { epsilon: float(1e-5) },
  ),
  contrib(
    'SkipSimplifiedLayerNormalization without bias',
    18,
    'SkipSimplifiedLayerNormalization',
    { x: [2, 3, 5], skip: [2, 3, 5], gamma: [5] },
    { epsilon: float(0.1) },
  ),
  withResidualSum(
    'SkipSimplifiedLayerNormalization input_skip_bias_sum output',
    18,
    'SkipSimplifiedLayerNormalization',
    { x: [2, 3, 4], skip: [2, 3, 4], gamma: [4], bias: [4] },
    ['x', 'skip', 'gamma', 'bias'],
  ),
];

/** onnxruntime's fused and normalization contrib ops, lowered into standard ops (src/model/composite/contrib). */
