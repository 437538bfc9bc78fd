import type { onnx } from '../../proto/generated/onnx.js';
import { UnsupportedOpError } from '../../errors.js';

/**
 * Composite nodes whose lowering found a form it does not cover once shapes and constants were
 * known (a computed length, a complex signal): the node is left as it is, and the gradient
 * analysis reports the reason only if the node lies on the differentiated path.
 */
const refused = new WeakMap<onnx.INodeProto, string>();

/** Records why the lowering refused `node` when `error` is such a refusal (an UnsupportedOpError for that node alone); false otherwise. */
export function recordRefusal(node: onnx.INodeProto, error: unknown): boolean {
  const reason = error instanceof UnsupportedOpError && error.nodes.length === 1 ? error.nodes[0]?.reason : undefined;
  if (reason === undefined) return false;
  refused.set(node, reason);
  return true;
}

export const loweringRefusal = (node: onnx.INodeProto): string | undefined => refused.get(node);

/** Forgets an earlier refusal of `node` once it was lowered (at other shapes, or with other constants). */
export const clearRefusal = (node: onnx.INodeProto): void => void refused.delete(node);
