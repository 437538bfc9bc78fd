import type { onnx } from '../proto/generated/onnx.js';
import { GraphBuilder, type TensorFacts } from '../graph/builder.js';
import { findAffinePrefix, type AffinePrefix } from './affine-prefix.js';
import { NodeView } from './rules/rule.js';
import { ruleFor } from './rules/registry.js';

export interface PrefixAdjoint {
  readonly nodes: readonly onnx.NodeProto[];
  readonly initializers: readonly onnx.TensorProto[];
  /** The prefix's input gradient for one example. */
  readonly gradient: string;
}

/**
 * The input gradient of an affine prefix for a gradient `seed` at its cut, for one example,
 * from the prefix nodes' own gradient rules. Null when a rule cannot differentiate its node or
 * reads a forward tensor of the prefix: then the map is not known to be fixed, and the caller
 * keeps the prefix on the path.
 */
function prefixAdjoint(prefix: AffinePrefix, opset: number, usedNames: Iterable<string>, facts: TensorFacts, seed: string): PrefixAdjoint | null {
  const forward = [prefix.input, ...prefix.nodes.map((node) => node.output?.[0] ?? '')];
  const shapes = new Map(facts.shapes);
  for (const name of forward) {
    const shape = facts.shapes.get(name);
    if (!shape) return null;
    shapes.set(name, [1, ...shape.slice(1)]);
  }
  const builder = new GraphBuilder(opset, usedNames, { ...facts, shapes }, 'ig_prefix');
  builder.setShape(seed, shapes.get(prefix.cut) as readonly number[]);
  let gradient = seed;
  for (let i = prefix.nodes.length - 1; i >= 0; i--) {
    const node = prefix.nodes[i] as onnx.INodeProto;
    const index = prefix.dataIndices[i] as number;
    const rule = ruleFor(node.opType ?? '', '');
    if (!rule || opset < rule.since) return null;
    let next: string | null | undefined;
    try {
      next = rule.gradient(new NodeView(node, opset, new Set([index])), [gradient], builder)[index];
    } catch {
      // The unfolded path runs the same rule and reports what it meets.
      return null;
    }
    if (!next) return null;
    gradient = next;
  }
  const reads = new Set(forward);
  if (builder.nodes.some((node) => (node.input ?? []).some((name) => reads.has(name)))) return null;
  return { nodes: builder.nodes, initializers: builder.initializers, gradient };
}

export interface FoldedPrefix {
  readonly prefix: AffinePrefix;
  /** The graph tensor the adjoint starts from: the weighted gradient sum at the cut. */
  readonly seed: string;
  readonly adjoint: PrefixAdjoint;
}

/** The affine prefix of `input` and its fixed adjoint, or null when there is none to fold. */
export function foldablePrefix(
  graph: onnx.IGraphProto,
  input: string,
  facts: TensorFacts,
  steps: number,
  opset: number,
  usedNames: Iterable<string>,
  fixedName: (hint: string) => string,
): FoldedPrefix | null {
  const prefix = findAffinePrefix(graph, input, facts, steps);
  if (!prefix) return null;
  const seed = fixedName('prefix_gradient_sum');
  const adjoint = prefixAdjoint(prefix, opset, usedNames, facts, seed);
  return adjoint ? { prefix, seed, adjoint } : null;
}
