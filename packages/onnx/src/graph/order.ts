import type { onnx } from '../proto/generated/onnx.js';
import { nodeReads } from './model.js';

/**
 * The nodes in a depth-first topological order: after each node come the nodes it makes ready,
 * the first of them in the given order explored first. A reverse pass appends every local
 * derivative of an unrolled recurrent graph after all its forward steps, an order in which
 * onnxruntime's session setup walks a linked list per node (a hot loop in a profile of it) and
 * grows quadratic in the graph's size; in this order it does not. Returns the nodes as they are
 * where they do not form a DAG.
 */
export function depthFirstOrder<T extends onnx.INodeProto>(nodes: readonly T[]): T[] {
  const producer = new Map<string, number>();
  nodes.forEach((node, i) => (node.output ?? []).forEach((name) => name && producer.set(name, i)));
  const consumers = nodes.map((): number[] => []);
  const pending = nodes.map((node, i) => {
    const inputs = new Set(nodeReads(node).flatMap((name) => (producer.has(name) && producer.get(name) !== i ? [producer.get(name) as number] : [])));
    for (const p of inputs) consumers[p]?.push(i);
    return inputs.size;
  });
  const ready = nodes.flatMap((_, i) => (pending[i] === 0 ? [i] : [])).reverse();
  const ordered: T[] = [];
  while (ready.length > 0) {
    const i = ready.pop() as number;
    ordered.push(nodes[i] as T);
    const fresh: number[] = [];
    for (const c of consumers[i] as number[]) {
      pending[c] = (pending[c] as number) - 1;
      if (pending[c] === 0) fresh.push(c);
    }
    // Popped next in their original order.
    ready.push(...fresh.sort((a, b) => b - a));
  }
  return ordered.length === nodes.length ? ordered : [...nodes];
}
