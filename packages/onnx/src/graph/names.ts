import type { onnx } from '../proto/generated/onnx.js';

export const isDefaultDomain = (domain: string | null | undefined): boolean => !domain || domain === 'ai.onnx';

/** Names `prefix/hint_k` that no node, input, output or initializer of `graph` uses yet. */
export function freshNames(graph: onnx.IGraphProto, prefix: string): (hint: string) => string {
  const used = new Set<string>();
  for (const node of graph.node ?? []) for (const name of [...(node.input ?? []), ...(node.output ?? [])]) used.add(name);
  for (const tensor of graph.initializer ?? []) used.add(tensor.name ?? '');
  for (const value of [...(graph.input ?? []), ...(graph.output ?? [])]) used.add(value.name ?? '');
  let counter = 0;
  return (hint) => {
    let name = `${prefix}/${hint}_${counter++}`;
    while (used.has(name)) name = `${prefix}/${hint}_${counter++}`;
    used.add(name);
    return name;
  };
}
