import type { onnx } from '../proto/generated/onnx.js';

/** Every tensor name the graph's nodes read, those of If, Loop and Scan bodies (outer-scope names) included. */
function namesRead(graph: onnx.IGraphProto, into: Set<string>): Set<string> {
  for (const node of graph.node ?? []) {
    for (const name of node.input ?? []) if (name) into.add(name);
    for (const attribute of node.attribute ?? []) {
      if (attribute.g) namesRead(attribute.g, into);
      for (const body of attribute.graphs ?? []) namesRead(body, into);
    }
  }
  return into;
}

/**
 * The graph inputs that no node reads and no output passes on (exporters keep the inputs of
 * the signature a branch no longer uses), so nobody is asked for a value that changes nothing.
 */
export function unusedInputs(graph: onnx.IGraphProto): string[] {
  const read = namesRead(graph, new Set());
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
