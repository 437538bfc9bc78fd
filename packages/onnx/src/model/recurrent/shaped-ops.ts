import type { onnx } from '../../proto/generated/onnx.js';
import { GraphBuilder } from '../../graph/builder.js';
import type { Attributes } from '../../graph/attributes.js';

/**
 * GraphBuilder with helpers that record every output's static shape, so that the unrolled graph
 * of a recurrent node is fully known to the gradient rules without another probe.
 */
export class ShapedBuilder extends GraphBuilder {
  /** The nodes added since `start`, their outputs' shapes recorded in `shapes`. */
  nodesSince(start: number, shapes: Map<string, readonly number[]>): onnx.NodeProto[] {
    const added = this.nodes.slice(start);
    for (const node of added) for (const output of node.output) if (this.hasShape(output)) shapes.set(output, this.shape(output));
    return added;
  }

  /** Gives `graph` the rewritten node list and this builder's constants, their shapes recorded in `shapes`. */
  commit(graph: onnx.GraphProto, nodes: onnx.NodeProto[], shapes: Map<string, readonly number[]>): void {
    for (const initializer of this.initializers) shapes.set(initializer.name, initializer.dims.map(Number));
    graph.node = nodes;
    graph.initializer.push(...this.initializers);
  }

  shaped(opType: string, inputs: readonly string[], shape: readonly number[], attributes: Attributes = {}): string {
    return this.op(opType, inputs, attributes, shape);
  }

  plus(a: string, b: string): string {
    return this.shaped('Add', [a, b], this.broadcast(a, b));
  }

  minus(a: string, b: string): string {
    return this.shaped('Sub', [a, b], this.broadcast(a, b));
  }

  times(a: string, b: string): string {
    return this.shaped('Mul', [a, b], this.broadcast(a, b));
  }

  /** a·b for a [..., m, k] and b [k, n]. */
  matmul(a: string, b: string): string {
    const shape = this.shape(a);
    return this.shaped('MatMul', [a, b], [...shape.slice(0, -1), this.shape(b)[1] as number]);
  }

  /** x[start:end] along `axis`. */
  sliceAxis(x: string, axis: number, start: number, end: number): string {
    const shape = this.shape(x).map((d, i) => (i === axis ? end - start : d));
    return this.shaped('Slice', [x, this.int64Constant([start]), this.int64Constant([end]), this.int64Constant([axis])], shape);
  }

  /** x[index] along `axis`, dropping it. */
  pick(x: string, axis: number, index: number): string {
    const shape = this.shape(x).filter((_, i) => i !== axis);
    return this.shaped('Gather', [x, this.int64Constant([index], [])], shape, { axis: { int: axis } });
  }

  /** `parts` equal pieces of x along `axis` (one Split, whose gradient is one Concat). */
  splitEqual(x: string, axis: number, parts: number): string[] {
    if (parts === 1) return [x];
    const shape = this.shape(x).map((d, i) => (i === axis ? d / parts : d));
    // From opset 18 a Split without sizes must say how many outputs it has.
    const attributes: Attributes = this.opset >= 18 ? { axis: { int: axis }, num_outputs: { int: parts } } : { axis: { int: axis } };
    const outputs = this.node('Split', [x], attributes, parts);
    for (const output of outputs) this.setShape(output, shape);
    return outputs;
  }

  /** Pieces of x along `axis` with the given widths (sizes as an input from opset 13, an attribute before). */
  splitWidths(x: string, axis: number, widths: readonly number[]): string[] {
    const attributes: Attributes = this.opset >= 13 ? { axis: { int: axis } } : { axis: { int: axis }, split: { ints: widths } };
    const inputs = this.opset >= 13 ? [x, this.int64Constant(widths)] : [x];
    const outputs = this.node('Split', inputs, attributes, widths.length);
    const shape = this.shape(x);
    outputs.forEach((output, k) =>
      this.setShape(
        output,
        shape.map((d, i) => (i === axis ? (widths[k] as number) : d)),
      ),
    );
    return outputs;
  }

  concatAxis(xs: readonly string[], axis: number): string {
    if (xs.length === 1) return xs[0] as string;
    const first = this.shape(xs[0] as string);
    const total = xs.reduce((sum, x) => sum + (this.shape(x)[axis] as number), 0);
    return this.shaped(
      'Concat',
      xs,
      first.map((d, i) => (i === axis ? total : d)),
      { axis: { int: axis } },
    );
  }

  /** x with a new axis of length 1 at `axis`. */
  insertAxis(x: string, axis: number): string {
    const shape = [...this.shape(x)];
    shape.splice(axis, 0, 1);
    return this.reshape(x, shape);
  }

  private broadcast(a: string, b: string): readonly number[] {
    const x = this.shape(a);
    const y = this.shape(b);
    const rank = Math.max(x.length, y.length);
    return Array.from({ length: rank }, (_, i) => {
      const p = x[x.length - rank + i] ?? 1;
      const q = y[y.length - rank + i] ?? 1;
      return p === 1 ? q : p;
    });
  }
}
