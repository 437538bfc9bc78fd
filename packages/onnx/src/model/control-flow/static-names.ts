import type { onnx } from '../../proto/generated/onnx.js';
import { isDefaultDomain } from '../../graph/names.js';

export const CONTROL_FLOW_OPS: ReadonlySet<string> = new Set(['If', 'Loop', 'Scan']);

export const isControlFlowNode = (node: onnx.INodeProto): boolean => isDefaultDomain(node.domain) && CONTROL_FLOW_OPS.has(node.opType ?? '');

const hasSubgraph = (node: onnx.INodeProto): boolean => (node.attribute ?? []).some((a) => a.g || (a.graphs ?? []).length > 0);

const random = (opType: string): boolean => opType.startsWith('Random') || opType === 'Multinomial' || opType === 'Bernoulli';

/** Ops whose output shape depends on the values of their inputs, the first included. */
const VALUE_SHAPED = new Set(['ConstantOfShape', 'Range', 'NonZero', 'Unique', 'Compress', 'NonMaxSuppression', 'StringSplit', 'If', 'Loop', 'Scan']);

/** Ops whose output shape depends on the values of the inputs after the first (shapes, axes, sizes, counts). */
const ARGUMENT_SHAPED = new Set([
  ...['Reshape', 'Expand', 'Tile', 'Slice', 'Resize', 'Upsample', 'Pad', 'CenterCropPad', 'OneHot', 'TopK', 'Squeeze', 'Unsqueeze', 'Split'],
  ...['ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare'],
  ...['Col2Im', 'DFT', 'STFT'],
]);

/**
 * The tensors of `graph` whose values depend on no input's data, only on constants and on
 * shapes that the input shapes fix (a graph is built for given input shapes): initializers,
 * Constant outputs, Shape and Size of tensors whose shapes no data decides (not downstream of a
 * NonZero, a Reshape to a computed shape…), and what deterministic nodes compute from those alone.
 */
export function staticNames(graph: onnx.IGraphProto): Set<string> {
  // An initializer that is also a graph input can be overridden by a feed: not static.
  const inputs = new Set((graph.input ?? []).map((v) => v.name ?? ''));
  const names = new Set((graph.initializer ?? []).map((t) => t.name ?? '').filter((name) => !inputs.has(name)));
  const fixedShapes = new Set([...inputs, ...names]);
  // Nodes are in topological order in a valid model; a late producer only makes fewer names static.
  for (const node of graph.node ?? []) {
    const opType = node.opType ?? '';
    const reads = (node.input ?? []).filter(Boolean);
    const known = isDefaultDomain(node.domain) && !hasSubgraph(node) && !random(opType);
    const allStatic = reads.length > 0 && reads.every((name) => names.has(name));
    const shapesFixed = reads.every((name) => fixedShapes.has(name));
    const fixed = known && (opType === 'Constant' || ((opType === 'Shape' || opType === 'Size') && shapesFixed) || allStatic);
    const argumentsStatic = (node.input ?? []).slice(1).every((name) => !name || names.has(name));
    const shapeFixed = fixed || (isDefaultDomain(node.domain) && shapesFixed && !VALUE_SHAPED.has(opType) && (!ARGUMENT_SHAPED.has(opType) || argumentsStatic));
    for (const output of node.output ?? []) {
      if (output && fixed) names.add(output);
      if (output && shapeFixed) fixedShapes.add(output);
    }
  }
  return names;
}
