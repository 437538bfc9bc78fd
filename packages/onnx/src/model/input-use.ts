import type { onnx } from '../proto/generated/onnx.js';
import { nodeReads, topologicalOrder } from '../graph/model.js';

/**
 * The tensors that depend on any of `inputs` through `nodes` (their subgraphs' outer-scope reads
 * included), given in an order where a node comes after the nodes it reads from.
 */
export function dependentTensors(nodes: Iterable<onnx.INodeProto>, inputs: readonly string[]): Set<string> {
  const dependent = new Set(inputs);
  for (const node of nodes) {
    if (nodeReads(node).some((name) => dependent.has(name))) for (const name of node.output ?? []) if (name) dependent.add(name);
  }
  return dependent;
}

/** Whether `output` depends on any of `inputs`. A cycle or a read of a missing tensor is an InvalidModelError (see topologicalOrder). */
export function reaches(graph: onnx.IGraphProto, inputs: readonly string[], output: string): boolean {
  return dependentTensors(topologicalOrder(graph), inputs).has(output);
}

/**
 * The graph inputs that no node reads and no output passes on (exporters keep the inputs of
 * the signature a branch no longer uses), so nobody is asked for a value that changes nothing.
 */
export function unusedInputs(graph: onnx.IGraphProto): string[] {
  const read = new Set((graph.node ?? []).flatMap(nodeReads));
  for (const output of graph.output ?? []) if (output.name) read.add(output.name);
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  return (graph.input ?? []).map((v) => v.name ?? '').filter((name) => name && !read.has(name) && !initializers.has(name));
}

/**
 * Removes the unused inputs (see unusedInputs) from the model's graph, unless no other input
 * would remain: such a graph is broken (a cycle, a miswired node), which building it reports.
 */
export function dropUnusedInputs(model: onnx.ModelProto): void {
  const graph = model.graph as onnx.GraphProto;
  const unused = new Set(unusedInputs(graph));
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const kept = graph.input.filter((v) => !unused.has(v.name ?? ''));
  if (unused.size > 0 && kept.some((v) => !initializers.has(v.name))) graph.input = kept;
}
