import { InvalidModelError } from '../../errors.js';
import { floatAttribute, intAttribute } from '../../graph/attributes.js';
import type { onnx } from '../../proto/generated/onnx.js';
import type { CompositeOp } from './composite-op.js';
import type { LoweringBuilder } from './lowering-builder.js';

/** The axes from the node's `axis` attribute (default −1) to the last one of `x`. */
export function normalizedAxes(b: LoweringBuilder, node: onnx.INodeProto, x: string): number[] {
  const rank = b.rank(x);
  const axis = intAttribute(node, 'axis', -1);
  const first = axis < 0 ? axis + rank : axis;
  if (first < 0 || first >= rank)
    throw new InvalidModelError(`${node.opType ?? ''} node "${node.name ?? ''}": axis ${axis} is outside input "${x}" of rank ${rank}`);
  return Array.from({ length: rank - first }, (_, i) => first + i);
}

/** X / √(mean(X², axes) + ε). */
export function rmsNormalized(b: LoweringBuilder, x: string, axes: readonly number[], epsilon: number): string {
  const meanSquare = b.meanOver(b.times(x, x), axes);
  const rms = b.shaped('Sqrt', [b.plus(meanSquare, b.floatConstant([epsilon]))], b.shape(meanSquare));
  return b.shaped('Div', [x, rms], b.shape(x));
}

/** (X − mean(X, axes)) / √(variance(X, axes) + ε). */
export function layerNormalized(b: LoweringBuilder, x: string, axes: readonly number[], epsilon: number): string {
  const centered = b.minus(x, b.meanOver(x, axes));
  return rmsNormalized(b, centered, axes, epsilon);
}

/**
 * RMSNormalization (opset 23): Y = X / √(mean(X², axes axis…rank−1) + ε) · scale, computed in
 * float32 whatever `stash_type` says (the working copy is float32 throughout).
 */
export const rmsNormalization: CompositeOp = {
  opType: 'RMSNormalization',
  since: 23,
  differentiable: 'all',
  refusal: () => undefined,
  lower(b, node) {
    const [x, scale] = node.input as [string, string];
    return [b.times(rmsNormalized(b, x, normalizedAxes(b, node, x), floatAttribute(node, 'epsilon', 1e-5)), scale)];
  },
};
