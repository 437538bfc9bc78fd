import { floatAttribute, hasAttribute, intAttribute, stringAttribute, type Attributes } from '../../../graph/attributes.js';
import type { onnx } from '../../../proto/generated/onnx.js';
import { optionalInput } from '../node-inputs.js';
import { applyActivation } from './fused-activation.js';
import { contribOp } from './contrib-op.js';

/** The activations onnxruntime's FusedGemm kernel accepts, with the attributes each reads (all required). */
export const GEMM_ACTIVATIONS: Readonly<Record<string, readonly string[]>> = {
  Relu: [],
  Tanh: [],
  Sigmoid: [],
  Softplus: [],
  Softsign: [],
  LeakyRelu: ['activation_alpha'],
  Elu: ['activation_alpha'],
  HardSigmoid: ['activation_alpha', 'activation_beta'],
  ScaledTanh: ['activation_alpha', 'activation_beta'],
  ParametricSoftplus: ['activation_alpha', 'activation_beta'],
  Selu: ['activation_alpha', 'activation_gamma'],
};

/**
 * com.microsoft.FusedGemm, which onnxruntime's optimizer writes for a Gemm followed by an
 * activation: act(alpha·A'·B' + beta·C), the activation's parameters in activation_alpha,
 * activation_beta and activation_gamma.
 */
export const fusedGemm = contribOp({
  opType: 'FusedGemm',
  differentiable: 'all',
  refusal(node) {
    const activation = stringAttribute(node, 'activation', '');
    const parameters = GEMM_ACTIVATIONS[activation];
    if (!parameters) return `activation "${activation}" (onnxruntime fuses ${Object.keys(GEMM_ACTIVATIONS).join(', ')})`;
    const missing = parameters.find((name) => !hasAttribute(node, name));
    return missing ? `${activation} needs the attribute ${missing}` : undefined;
  },
  lower(b, node) {
    const [a, w] = node.input as [string, string];
    const c = optionalInput(node, 2);
    const activation = stringAttribute(node, 'activation', '');
    const params = (GEMM_ACTIVATIONS[activation] ?? []).map((name) => floatAttribute(node, name, 0));
    const gemm = b.inferred('Gemm', c ? [a, w, c] : [a, w], gemmAttributes(node));
    return [applyActivation(b, gemm, activation, params)];
  },
});

export function gemmAttributes(node: onnx.INodeProto): Attributes {
  return {
    alpha: { float: floatAttribute(node, 'alpha', 1) },
    beta: { float: floatAttribute(node, 'beta', 1) },
    transA: { int: intAttribute(node, 'transA', 0) },
    transB: { int: intAttribute(node, 'transB', 0) },
  };
}
