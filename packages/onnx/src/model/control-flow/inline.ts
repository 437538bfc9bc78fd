import type { onnx } from '../../proto/generated/onnx.js';
import type { TensorFacts } from '../../graph/builder.js';
import { defaultOpset } from '../../graph/model.js';
import { UnsupportedOpError } from '../../errors.js';
import { usedNames } from '../endpoints.js';
import { Inliner, type Rename } from './inliner.js';
import { inlineIf, inlineLoop } from './if-loop.js';
import { inlineScan } from './scan.js';
import { isControlFlowNode, staticNames } from './static-names.js';

const refused = new WeakMap<onnx.INodeProto, string>();

/** Why the inlining left `node` (an If, Loop or Scan) in place, if it did. */
export const inliningRefusal = (node: onnx.INodeProto): string | undefined => refused.get(node);

function inlineNode(inliner: Inliner, node: onnx.INodeProto, rename: Rename, outputs: readonly string[]): void {
  if (node.opType === 'If') inlineIf(inliner, node, rename, outputs);
  else if (node.opType === 'Loop') inlineLoop(inliner, node, rename, outputs);
  else inlineScan(inliner, node, rename, outputs);
}

/** The refusal's reason, naming the nested node when it was one inside `node`'s subgraphs. */
function reasonFor(node: onnx.INodeProto, error: UnsupportedOpError): string {
  const inner = error.nodes[0];
  if (!inner) return error.message;
  if (inner.nodeName === (node.name ?? '') && inner.opType === node.opType) return inner.reason;
  return `its ${inner.opType} node "${inner.nodeName}" inside: ${inner.reason}`;
}

/**
 * Replaces every If, Loop and Scan node of the main graph whose control flow is fixed for the
 * shapes at hand by the nodes it runs: an If by its taken branch, a Loop and a Scan unrolled
 * over their static trip count and sequence length, names the subgraphs define made fresh (the
 * same on every call for the same model and facts, so a probe of the inlined model names the
 * tensors the gradient graph reads), nested control flow inlined in turn. Conditions and trip
 * counts must depend on constants and shapes only; their values come from `facts` (a probe or
 * the model's constants). A node that cannot be inlined stays, its reason kept for the gradient
 * analysis (see inliningRefusal). Returns how many nodes were inlined.
 */
export function inlineControlFlow(model: onnx.ModelProto, facts: TensorFacts): number {
  const graph = model.graph as onnx.GraphProto;
  if (!graph.node.some(isControlFlowNode)) return 0;
  const fixed = staticNames(graph);
  const values = new Map([...facts.values].filter(([name]) => fixed.has(name)));
  const inliner = new Inliner(usedNames(graph), defaultOpset(model), values, facts.shapes, inlineNode);
  const nodes: onnx.NodeProto[] = [];
  let inlined = 0;
  for (const node of graph.node as onnx.NodeProto[]) {
    if (!isControlFlowNode(node)) {
      nodes.push(node);
      continue;
    }
    const [start, constants] = [inliner.nodes.length, inliner.initializers.length];
    try {
      inlineNode(inliner, node, (name) => name, node.output);
    } catch (error) {
      if (!(error instanceof UnsupportedOpError)) throw error;
      refused.set(node, reasonFor(node, error));
      inliner.nodes.splice(start);
      inliner.initializers.splice(constants);
      nodes.push(node);
      continue;
    }
    refused.delete(node);
    nodes.push(...inliner.nodes.slice(start));
    inlined++;
  }
  graph.node = nodes;
  graph.initializer.push(...inliner.initializers);
  return inlined;
}
