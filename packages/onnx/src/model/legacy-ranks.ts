import type { onnx } from '../proto/generated/onnx.js';
import { intAttribute, intsAttribute } from '../graph/attributes.js';

// Ops whose first output has the rank of their first input, in every opset.
const SAME_RANK = new Set([
  'Abs',
  'AveragePool',
  'BatchNormalization',
  'Cast',
  'Ceil',
  'Clip',
  'Concat',
  'Conv',
  'ConvTranspose',
  'Dropout',
  'Elu',
  'Exp',
  'Floor',
  'GlobalAveragePool',
  'GlobalMaxPool',
  'HardSigmoid',
  'Identity',
  'InstanceNormalization',
  'LRN',
  'LeakyRelu',
  'Log',
  'LogSoftmax',
  'LpNormalization',
  'LpPool',
  'MaxPool',
  'Neg',
  'Pad',
  'Reciprocal',
  'Relu',
  'Selu',
  'Sigmoid',
  'Slice',
  'Softmax',
  'Softplus',
  'Softsign',
  'Split',
  'Sqrt',
  'Tanh',
  'ThresholdedRelu',
  'Tile',
  'Transpose',
  'Upsample',
  'PRelu',
]);

// Ops whose output rank is the largest rank of their inputs (broadcasting or same-shape operands).
const MAX_RANK = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Mean', 'Sum', 'Equal', 'Greater', 'Less', 'And', 'Or', 'Xor', 'Not']);

function rankOf(node: onnx.INodeProto, input: (i: number) => number | undefined, valueCount: (i: number) => number | undefined): number | undefined {
  const op = node.opType ?? '';
  const first = input(0);
  if (SAME_RANK.has(op)) return first;
  if (MAX_RANK.has(op)) {
    const ranks = (node.input ?? []).map((_, i) => input(i));
    return ranks.some((r) => r === undefined) ? undefined : Math.max(...(ranks as number[]));
  }
  switch (op) {
    case 'Flatten':
    case 'Gemm':
      return 2;
    case 'MatMul': {
      const second = input(1);
      if (first === undefined || second === undefined) return undefined;
      // A 1-D operand loses its axis in the product.
      return Math.max(first, second, 2) - (first === 1 ? 1 : 0) - (second === 1 ? 1 : 0);
    }
    case 'Reshape':
      return intsAttribute(node, 'shape')?.length ?? valueCount(1);
    case 'Unsqueeze':
      return first === undefined ? undefined : first + (intsAttribute(node, 'axes')?.length ?? Number.NaN);
    case 'Gather': {
      const indices = input(1);
      return first === undefined || indices === undefined ? undefined : first + indices - 1;
    }
    case 'Squeeze': {
      const axes = intsAttribute(node, 'axes');
      return first === undefined || !axes ? undefined : first - axes.length;
    }
    case 'ReduceMean':
    case 'ReduceSum':
    case 'ReduceMax':
    case 'ReduceMin':
    case 'ReduceProd':
    case 'ReduceL2': {
      if (intAttribute(node, 'keepdims', 1) === 1) return first;
      const axes = intsAttribute(node, 'axes');
      return first === undefined ? undefined : axes ? first - axes.length : 0;
    }
    default:
      return undefined;
  }
}

/**
 * The rank of each tensor of a legacy-opset graph, where its ops fix it: what the legacy
 * broadcast rewrites need (the rank of the operand the `axis` counts in), known even when a
 * dimension such as the batch is symbolic. Declared shapes, symbolic ones included, come first.
 */
export function legacyRanks(graph: onnx.IGraphProto): Map<string, number> {
  const ranks = new Map<string, number>();
  const sizes = new Map<string, number>();
  for (const info of [...(graph.input ?? []), ...(graph.valueInfo ?? []), ...(graph.output ?? [])]) {
    const dims = info.type?.tensorType?.shape?.dim;
    if (info.name && dims) ranks.set(info.name, dims.length);
  }
  for (const tensor of graph.initializer ?? []) {
    if (!tensor.name) continue;
    ranks.set(tensor.name, (tensor.dims ?? []).length);
    if ((tensor.dims ?? []).length === 1) sizes.set(tensor.name, Number(tensor.dims?.[0]));
  }
  for (const node of graph.node ?? []) {
    const output = node.output?.[0];
    if (!output || ranks.has(output)) continue;
    const rank = rankOf(
      node,
      (i) => ranks.get(node.input?.[i] ?? ''),
      (i) => sizes.get(node.input?.[i] ?? ''),
    );
    if (rank !== undefined && Number.isInteger(rank) && rank >= 0) ranks.set(output, rank);
  }
  return ranks;
}
