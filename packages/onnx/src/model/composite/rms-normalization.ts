import { InvalidModelError } from '../../errors.js';
import { floatAttribute, intAttribute } from '../../graph/attributes.js';
import type { CompositeOp } from './composite-op.js';

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
    const rank = b.rank(x);
    const axis = intAttribute(node, 'axis', -1);
    const first = axis < 0 ? axis + rank : axis;
    if (first < 0 || first >= rank) throw new InvalidModelError(`RMSNormalization node "${node.name}": axis ${axis} is outside input "${x}" of rank ${rank}`);
    const axes = Array.from({ length: rank - first }, (_, i) => first + i);
    const meanSquare = b.meanOver(b.times(x, x), axes);
    const epsilon = b.floatConstant([floatAttribute(node, 'epsilon', 1e-5)]);
    const rms = b.shaped('Sqrt', [b.plus(meanSquare, epsilon)], b.shape(meanSquare));
    return [b.times(b.shaped('Div', [x, rms], b.shape(x)), scale)];
  },
};
