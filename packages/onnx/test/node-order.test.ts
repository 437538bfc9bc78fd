import { describe, expect, it } from 'vitest';
import { onnx } from '../src/index.js';
import { depthFirstOrder } from '../src/graph/order.js';

const node = (name: string, input: string[], output: string[]): onnx.NodeProto => onnx.NodeProto.create({ name, opType: 'Add', input, output });

describe('depthFirstOrder', () => {
  it('a topological order that follows each node with the nodes it makes ready, depth first', () => {
    // Two steps a → b of a chain, each with a local term (la, lb) that only the end reads, in the
    // order a reverse pass leaves them: every local term after the whole chain.
    const nodes = [
      node('a', ['x', 'x'], ['ya']),
      node('b', ['ya', 'x'], ['yb']),
      node('la', ['ya', 'ya'], ['za']),
      node('lb', ['yb', 'yb'], ['zb']),
      node('end', ['za', 'zb'], ['out']),
    ];
    const ordered = depthFirstOrder(nodes);
    expect(ordered.map((n) => n.name)).toEqual(['a', 'b', 'lb', 'la', 'end']);
    const made = new Set(['x']);
    for (const n of ordered) {
      for (const input of n.input) expect(made.has(input), `${n.name} reads ${input} before it is made`).toBe(true);
      for (const output of n.output) made.add(output);
    }
  });

  it('returns nodes that form a cycle as they are', () => {
    const nodes = [node('p', ['x', 'q_out'], ['p_out']), node('q', ['p_out', 'x'], ['q_out'])];
    expect(depthFirstOrder(nodes).map((n) => n.name)).toEqual(['p', 'q']);
  });
});
