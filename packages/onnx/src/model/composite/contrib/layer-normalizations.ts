import { floatAttribute } from '../../../graph/attributes.js';
import type { CompositeOp } from '../composite-op.js';
import { optionalInput } from '../node-inputs.js';
import { layerNormalized, normalizedAxes, rmsNormalized } from '../rms-normalization.js';
import { contribOp } from './contrib-op.js';

/**
 * SimplifiedLayerNormalization (default domain, registered by onnxruntime): RMS normalization
 * over axes axis…rank−1 times scale, as RMSNormalization; in float32 whatever stash_type says.
 * Its inv_std_var output is not computed.
 */
export const simplifiedLayerNormalization: CompositeOp = {
  opType: 'SimplifiedLayerNormalization',
  since: 1,
  differentiable: 'all',
  refusal: () => undefined,
  lower(b, node) {
    const [x, scale] = node.input as [string, string];
    return [b.times(rmsNormalized(b, x, normalizedAxes(b, node, x), floatAttribute(node, 'epsilon', 1e-5)), scale)];
  },
};

/**
 * com.microsoft.SkipLayerNormalization and SkipSimplifiedLayerNormalization: the residual sum
 * input + skip (+ bias), normalized over the last axis (layer or RMS normalization), times gamma
 * (+ beta). Outputs: output, mean and inv_std_var (not computed), input_skip_bias_sum.
 */
function skipNormalization(opType: string, simplified: boolean): CompositeOp {
  const biasIndex = simplified ? 3 : 4;
  return contribOp({
    opType,
    differentiable: 'all',
    refusal: () => undefined,
    lower(b, node) {
      const [input, skip, gamma] = node.input as [string, string, string];
      const bias = optionalInput(node, biasIndex);
      const beta = simplified ? undefined : optionalInput(node, 3);
      const residual = b.plus(input, skip);
      const sum = bias ? b.plus(residual, bias) : residual;
      const axes = [b.rank(sum) - 1];
      const epsilon = floatAttribute(node, 'epsilon', 1e-12);
      const normalized = simplified ? rmsNormalized(b, sum, axes, epsilon) : layerNormalized(b, sum, axes, epsilon);
      const scaled = b.times(normalized, gamma);
      return [beta ? b.plus(scaled, beta) : scaled, undefined, undefined, sum];
    },
  });
}

export const skipLayerNormalization = skipNormalization('SkipLayerNormalization', false);
export const skipSimplifiedLayerNormalization = skipNormalization('SkipSimplifiedLayerNormalization', true);
