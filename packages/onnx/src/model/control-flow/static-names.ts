import type { onnx } from '../../proto/generated/onnx.js';
import { isDefaultDomain } from '../../graph/names.js';

export const CONTROL_FLOW_OPS: ReadonlySet<string> = new Set(['If', 'Loop', 'Scan']);

export const isControlFlowNode = (node: onnx.INodeProto): boolean => isDefaultDomain(node.domain) && CONTROL_FLOW_OPS.has(node.opType ?? '');

const hasSubgraph = (node: onnx.INodeProto): boolean => (node.attribute ?? []).some((a) => a.g || (a.graphs ?? []).length > 0);

const random = (opType: string): boolean => opType.startsWith('Random') || opType === 'Multinomial' || opType === 'Bernoulli';

/**
 * The tensors of `graph` whose values depend on no input's data, only on constants and on
 * shapes (which are fixed for the input shapes a graph is built for): initializers, Constant,
 * Shape and Size outputs, and what deterministic nodes compute from those alone.
 */
export function staticNames(graph: onnx.IGraphProto): Set<string> {
  // An initializer that is also a graph input can be overridden by a feed: not static.
  const inputs = new Set((graph.input ?? []).map((v) => v.name ?? ''));
  const names = new Set((graph.initializer ?? []).map((t) => t.name ?? '').filter((name) => !inputs.has(name)));
  // Nodes are in topological order in a valid model; a late producer only makes fewer names static.
  for (const node of graph.node ?? []) {
    const opType = node.opType ?? '';
    const reads = (node.input ?? []).filter(Boolean);
    const fixed =
      isDefaultDomain(node.domain) &&
      !hasSubgraph(node) &&
      !random(opType) &&
      (opType === 'Constant' || opType === 'Shape' || opType === 'Size' || (reads.length > 0 && reads.every((name) => names.has(name))));
    if (fixed) for (const output of node.output ?? []) if (output) names.add(output);
  }
  return names;
}
