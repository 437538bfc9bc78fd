import type { onnx } from '../proto/generated/onnx.js';
import type { TensorFacts } from '../graph/builder.js';
import { nodeReads } from '../graph/model.js';
import { isDefaultDomain } from '../graph/names.js';
import { ruleFor } from './rules/registry.js';
import type { AffineForm } from './rules/rule.js';

/**
 * The nodes right after a graph input that are affine in it with fixed parameters: a stem
 * convolution or first dense layer, batch normalization, scaling and shifting by constants, or a
 * transpose that keeps the batch axis first, each the only reader of the tensor before it. Their input gradient is one
 * fixed linear map of the gradient at their output, the same at every point, so a fused path
 * graph can sum the weighted gradients at the prefix's output first and apply that map once per
 * run instead of once per path point.
 */
export interface AffinePrefix {
  /** The graph input the prefix reads. */
  readonly input: string;
  /** The prefix nodes in forward order. */
  readonly nodes: readonly onnx.INodeProto[];
  /** For each node, the index of the input that carries the chain. */
  readonly dataIndices: readonly number[];
  /** The prefix's output, where the rest of the graph starts. */
  readonly cut: string;
}

/** Which input carries `data` when `node` is affine in it with every other input constant (see AffineForm); else -1. */
function affineDataIndex(node: onnx.INodeProto, data: string, isConstant: (name: string) => boolean): number {
  const inputs = node.input ?? [];
  const index = inputs.indexOf(data);
  if (index < 0 || inputs.lastIndexOf(data) !== index) return -1;
  const othersConstant = inputs.every((name, i) => i === index || name === '' || isConstant(name));
  return othersConstant && affineForm(node)?.in(node, index) ? index : -1;
}

const affineForm = (node: onnx.INodeProto): AffineForm | undefined => ruleFor(node.opType ?? '', '')?.affine;

/**
 * The longest affine prefix after `input` whose tensors all keep the batch on axis 0 with
 * `batch` rows, or null when there is none worth folding (no convolution or dense layer in it).
 */
export function findAffinePrefix(graph: onnx.IGraphProto, input: string, facts: TensorFacts, batch: number): AffinePrefix | null {
  const nodes = graph.node ?? [];
  const constants = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  for (const node of nodes) {
    if (node.opType === 'Constant' && isDefaultDomain(node.domain) && (node.input ?? []).length === 0) for (const o of node.output ?? []) constants.add(o);
  }
  const readers = new Map<string, onnx.INodeProto[]>();
  for (const node of nodes) {
    for (const name of new Set(nodeReads(node))) {
      const list = readers.get(name) ?? [];
      list.push(node);
      readers.set(name, list);
    }
  }
  const graphOutputs = new Set((graph.output ?? []).map((v) => v.name ?? ''));
  const batchLeading = (name: string): boolean => facts.shapes.get(name)?.[0] === batch;
  // A constant operand may broadcast over the point but never across points.
  const keepsPointsApart = (node: onnx.INodeProto, dataIndex: number): boolean =>
    (node.input ?? []).every((name, i) => {
      const shape = facts.shapes.get(name);
      const { maxConstantRank, weights } = affineForm(node) ?? {};
      if (maxConstantRank !== undefined && i !== dataIndex) return shape !== undefined && shape.length <= maxConstantRank;
      if (i === dataIndex || name === '' || weights) return true;
      const dataShape = facts.shapes.get(node.input?.[dataIndex] ?? '');
      return shape !== undefined && dataShape !== undefined && (shape.length < dataShape.length || shape[0] === 1);
    });

  const chain: onnx.INodeProto[] = [];
  const dataIndices: number[] = [];
  let current = input;
  if (!batchLeading(current)) return null;
  // A node that writes a tensor of the chain again makes a cycle, which the graph's validation reports.
  const seen = new Set([input]);
  for (;;) {
    const next = readers.get(current);
    if (!next || next.length !== 1) break;
    const node = next[0] as onnx.INodeProto;
    if (!isDefaultDomain(node.domain)) break;
    const outputs = (node.output ?? []).filter((o) => o !== '');
    const out = node.output?.[0] ?? '';
    if (outputs.length !== 1 || out === '' || seen.has(out) || graphOutputs.has(out) || !batchLeading(out)) break;
    const dataIndex = affineDataIndex(node, current, (name) => constants.has(name));
    if (dataIndex < 0 || !keepsPointsApart(node, dataIndex)) break;
    const inShape = facts.shapes.get(current) as readonly number[];
    const outShape = facts.shapes.get(out) as readonly number[];
    const form = affineForm(node);
    const reshapes = form?.heavy === true || form?.reshapes === true;
    if (!reshapes && (inShape.length !== outShape.length || inShape.some((d, i) => d !== outShape[i]))) break;
    chain.push(node);
    dataIndices.push(dataIndex);
    seen.add(out);
    current = out;
  }
  if (!chain.some((node) => affineForm(node)?.heavy)) return null;
  return { input, nodes: chain, dataIndices, cut: current };
}
