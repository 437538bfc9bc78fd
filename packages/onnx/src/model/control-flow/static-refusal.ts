import type { onnx } from '../../proto/generated/onnx.js';
import type { TensorFacts } from '../../graph/builder.js';
import { subgraph } from './if-loop.js';
import { inliningRefusal } from './inline.js';
import { bodyConditionRefusal } from './loop-condition.js';

/**
 * Why an If, Loop or Scan node of the main graph cannot be inlined, as far as the model shows
 * without input shapes (`fixed`: its tensors that depend on no input data, see staticNames), or
 * as the inlining found once it had them. Undefined when it will be inlined.
 */
export function controlFlowRefusal(node: onnx.INodeProto, fixed: ReadonlySet<string>, facts: TensorFacts): string | undefined {
  const found = inliningRefusal(node);
  if (found) return found;
  const [first = '', second = ''] = node.input ?? [];
  if (node.opType === 'If' && !fixed.has(first)) {
    return `its condition "${first}" depends on the input data; only an If whose condition follows from constants and shapes can be inlined`;
  }
  if (node.opType !== 'Loop') return undefined;
  if (!first) return 'it has no trip count M, so it runs until a condition computed in the loop turns false';
  if (!fixed.has(first))
    return `its trip count M ("${first}") depends on the input data; only a trip count that follows from constants and shapes can be unrolled`;
  if (second && !fixed.has(second)) return `its loop condition ("${second}") depends on the input data`;
  const body = subgraph(node, 'body');
  // A static outer tensor whose value only a probe gives is taken to be true here; the inlining checks it.
  return body && bodyConditionRefusal(body, (name) => (fixed.has(name) ? (facts.values.get(name) ?? [1]) : undefined));
}
