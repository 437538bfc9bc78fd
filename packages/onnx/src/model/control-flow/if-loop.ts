import type { onnx } from '../../proto/generated/onnx.js';
import { DataType } from '../../proto/tensor.js';
import { refusal, type Inliner, type Rename } from './inliner.js';
import { bodyConditionRefusal } from './loop-condition.js';

/** The most nodes an unrolled Loop or Scan may add: trip count times body size. */
export const MAX_UNROLLED_NODES = 200_000;

export const subgraph = (node: onnx.INodeProto, name: string): onnx.IGraphProto | undefined =>
  (node.attribute ?? []).find((a) => a.name === name)?.g ?? undefined;

/** Nodes of `graph` and of the subgraphs it holds. */
export function nodeCount(graph: onnx.IGraphProto): number {
  let count = 0;
  for (const node of graph.node ?? []) {
    count++;
    for (const a of node.attribute ?? []) if (a.g) count += nodeCount(a.g);
  }
  return count;
}

/** If with a condition known statically: the taken branch, its outputs written to the node's. */
export function inlineIf(inliner: Inliner, node: onnx.INodeProto, rename: Rename, outputs: readonly string[]): void {
  const condition = node.input?.[0] ?? '';
  const value = inliner.values.get(rename(condition));
  if (value === undefined || value.length !== 1) {
    throw refusal(
      node,
      inliner.opset,
      `its condition "${condition}" depends on the input data; only an If whose condition follows from constants and shapes can be inlined`,
    );
  }
  const branch = subgraph(node, value[0] ? 'then_branch' : 'else_branch');
  if (!branch) throw refusal(node, inliner.opset, `it has no ${value[0] ? 'then_branch' : 'else_branch'} graph`);
  const results = inliner.inlineBody(branch, [], rename);
  outputs.forEach((output, index) => output && inliner.identity(results[index] as string, output));
}

/** Loop with a static trip count and a condition that stays true: unrolled, scan outputs stacked on a new axis 0. */
export function inlineLoop(inliner: Inliner, node: onnx.INodeProto, rename: Rename, outputs: readonly string[]): void {
  const refuse = (reason: string): never => {
    throw refusal(node, inliner.opset, reason);
  };
  const body = subgraph(node, 'body') ?? refuse('it has no body graph');
  const [trip = '', condition = ''] = node.input ?? [];
  if (!trip) refuse('it has no trip count M, so it runs until a condition computed in the loop turns false');
  const count = inliner.values.get(rename(trip))?.[0];
  if (count === undefined)
    refuse(`its trip count M ("${trip}") depends on the input data; only a trip count that follows from constants and shapes can be unrolled`);
  const start = condition ? inliner.values.get(rename(condition)) : [1];
  if (start === undefined) refuse(`its loop condition ("${condition}") depends on the input data`);
  const stop = bodyConditionRefusal(body, (name) => inliner.values.get(rename(name)));
  if (stop) refuse(stop);
  const iterations = start?.[0] ? Math.max(0, count as number) : 0;
  const size = nodeCount(body);
  if (iterations * size > MAX_UNROLLED_NODES) {
    refuse(`unrolling its ${iterations} iterations of a ${size}-node body would add ${iterations * size} nodes, over the limit of ${MAX_UNROLLED_NODES}`);
  }
  let carried = (node.input ?? []).slice(2).map(rename);
  const scanCount = (body.output ?? []).length - 1 - carried.length;
  if (iterations === 0 && scanCount > 0) refuse('it runs 0 iterations, and its scan outputs would be empty tensors');
  const conditionIn = condition ? rename(condition) : inliner.constant('true', [], DataType.BOOL, [1]);
  const scans: string[][] = Array.from({ length: scanCount }, () => []);
  for (let i = 0; i < iterations; i++) {
    const iteration = inliner.constant(`iteration_${i}`, [], DataType.INT64, [i]);
    const results = inliner.inlineBody(body, [iteration, conditionIn, ...carried], rename);
    carried = results.slice(1, 1 + carried.length);
    results.slice(1 + carried.length).forEach((element, k) => scans[k]?.push(element));
  }
  outputs.forEach((output, index) => {
    if (!output) return;
    if (index < carried.length) inliner.identity(carried[index] as string, output);
    else inliner.stack(scans[index - carried.length] ?? [], 0, output);
  });
}
