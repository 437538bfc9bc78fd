import { DataType, makeTensor } from '../proto/tensor.js';
import { UnknownShapeError } from '../errors.js';
import { GraphCore } from './graph-core.js';

export { checkConstantSize, type TensorFacts } from './graph-core.js';

/**
 * Appends standard default-domain ONNX nodes to a graph under construction. Every helper emits
 * the form that is valid at `opset` (attribute axes before 13, input axes after), so rules never
 * branch on the opset themselves.
 */
export class GraphBuilder extends GraphCore {
  add(a: string, b: string): string {
    return this.op('Add', [a, b]);
  }
  sub(a: string, b: string): string {
    return this.op('Sub', [a, b]);
  }
  mul(a: string, b: string): string {
    return this.op('Mul', [a, b]);
  }
  div(a: string, b: string): string {
    return this.op('Div', [a, b]);
  }
  neg(a: string): string {
    return this.op('Neg', [a]);
  }
  scale(a: string, factor: number): string {
    return factor === 1 ? a : this.mul(a, this.floatConstant([factor]));
  }
  /** A tensor as float32 (a boolean mask as 0/1, integer levels as their values), its shape kept where known; a float32 one as it is. */
  toFloat(name: string): string {
    if (this.knownDataType(name) === DataType.FLOAT) return name;
    return this.op('Cast', [name], { to: { int: DataType.FLOAT } }, this.hasShape(name) ? this.shape(name) : undefined);
  }
  /**
   * Sums gradient contributions, as a chain of Adds (onnxruntime-web's WebGPU provider has no Sum
   * kernel). Convolution outputs come first: onnxruntime's CPU provider folds an Add of two of
   * them into the second convolution, in its blocked layout, which one other term would break.
   */
  sum(terms: readonly string[]): string {
    const ordered = [...terms.filter((t) => this.producers.get(t) === 'Conv'), ...terms.filter((t) => this.producers.get(t) !== 'Conv')];
    return ordered.slice(1).reduce((total, term) => this.add(total, term), ordered[0] as string);
  }
  /**
   * a ∧ b for boolean tensors as a 0/1 float mask: a product of casts, since onnxruntime-web's
   * WebGPU provider has no And kernel and onnxruntime's CPU provider has no boolean Where.
   */
  bothAsFloat(a: string, b: string): string {
    return this.mul(this.toFloat(a), this.toFloat(b));
  }

  unsqueeze(x: string, axes: readonly number[]): string {
    return this.opset >= 13 ? this.op('Unsqueeze', [x, this.int64Constant(axes)]) : this.op('Unsqueeze', [x], { axes: { ints: axes } });
  }

  reshape(x: string, shape: readonly number[]): string {
    return this.op('Reshape', [x, this.int64Constant(shape)], {}, shape);
  }

  transpose(x: string, perm: readonly number[]): string {
    if (perm.every((p, i) => p === i)) return x;
    const shape = this.shapes.get(x);
    return this.op('Transpose', [x], { perm: { ints: perm } }, shape ? perm.map((p) => shape[p] as number) : undefined);
  }

  expand(x: string, shape: readonly number[]): string {
    return this.op('Expand', [x, this.int64Constant(shape)], {}, shape);
  }

  zeros(shape: readonly number[]): string {
    return this.expand(this.floatConstant([0]), shape);
  }

  private reduce(opType: string, x: string, axes: readonly number[], keepdims: boolean): string {
    // ReduceSum takes axes as an input from opset 13, the other reductions from opset 18.
    const axesAsInput = opType === 'ReduceSum' ? this.opset >= 13 : this.opset >= 18;
    const keep = { keepdims: { int: keepdims ? 1 : 0 } };
    if (axes.length === 0) return x;
    return axesAsInput ? this.op(opType, [x, this.int64Constant(axes)], keep) : this.op(opType, [x], { ...keep, axes: { ints: axes } });
  }

  reduceSum(x: string, axes: readonly number[], keepdims = true): string {
    return this.reduce('ReduceSum', x, axes, keepdims);
  }

  reduceMean(x: string, axes: readonly number[], keepdims = true): string {
    return this.reduce('ReduceMean', x, axes, keepdims);
  }

  /** Sums `g` (of shape `from`) over the axes that broadcasting stretched, giving shape `to`. */
  unbroadcast(g: string, from: readonly number[], to: readonly number[]): string {
    if (from.length === to.length && from.every((d, i) => d === to[i])) return g;
    const lead = from.length - to.length;
    const axes: number[] = [];
    from.forEach((d, axis) => {
      if (axis < lead || (to[axis - lead] === 1 && d !== 1)) axes.push(axis);
    });
    const reduced = this.reduceSum(g, axes, true);
    return this.reshape(reduced, to);
  }

  /** The shape of `name` as an int64 tensor: a constant when known, else a Shape op. */
  shapeTensor(name: string): string {
    const shape = this.shapes.get(name);
    return shape ? this.int64Constant(shape) : this.op('Shape', [name]);
  }

  /** g reshaped to the shape of `like` (static when known, read at run time otherwise). */
  reshapeLike(g: string, like: string): string {
    const shape = this.shapes.get(like);
    return shape ? this.reshape(g, shape) : this.op('Reshape', [g, this.op('Shape', [like])]);
  }

  /** g broadcast to the shape of `like`. */
  expandLike(g: string, like: string): string {
    const shape = this.shapes.get(like);
    return shape ? this.expand(g, shape) : this.op('Expand', [g, this.op('Shape', [like])]);
  }

  /** Zeros with the shape of `like`. */
  zerosLike(like: string): string {
    return this.expandLike(this.floatConstant([0]), like);
  }

  /**
   * Sums g (shaped like `from`) back to the shape of `to` over the axes broadcasting stretched.
   * With unknown static shapes the axes are found at run time from Shape ops, which needs the
   * axes-as-input form of ReduceSum (opset 13).
   */
  unbroadcastLike(g: string, from: string, to: string): string {
    const fromShape = this.shapes.get(from);
    const toShape = this.shapes.get(to);
    if (fromShape && toShape) return this.unbroadcast(g, fromShape, toShape);
    if (this.opset < 13) throw new UnknownShapeError(fromShape ? to : from);
    const gShape = this.op('Shape', [g]);
    const targetShape = this.op('Shape', [to]);
    const one = this.int64Constant([1], []);
    const zero = this.int64Constant([0], []);
    const lead = this.op('Sub', [this.op('Size', [gShape]), this.op('Size', [targetShape])]);
    const ones = this.op('ConstantOfShape', [this.op('Unsqueeze', [lead, this.int64Constant([0])])], {
      value: { tensor: makeTensor('one', [1], DataType.INT64, [1]) },
    });
    const aligned = this.op('Concat', [ones, targetShape], { axis: { int: 0 } });
    const stretched = this.op('And', [this.op('Equal', [aligned, one]), this.op('Not', [this.op('Equal', [gShape, one])])]);
    const axes = this.op('Compress', [this.op('Range', [zero, this.op('Size', [gShape]), one]), stretched], { axis: { int: 0 } });
    const reduced = this.op('ReduceSum', [g, axes], { keepdims: { int: 1 }, noop_with_empty_axes: { int: 1 } });
    return this.op('Reshape', [reduced, targetShape]);
  }

  /**
   * Applies the adjoint of a linear map along one axis: for a forward map y[o] = Σ_i W[o,i]·x[i]
   * (W given row-major as `outLength × inLength`), returns gx[i] = Σ_o W[o,i]·g[o].
   */
  axisAdjoint(g: string, gShape: readonly number[], axis: number, weights: Float32Array, inLength: number): string {
    const rank = gShape.length;
    const outLength = gShape[axis] as number;
    const matrix = this.floatConstant(weights, [outLength, inLength]);
    const resultShape = gShape.map((d, i) => (i === axis ? inLength : d));
    if (axis === rank - 1) return this.op('MatMul', [g, matrix], {}, resultShape);
    const perm = [...Array(rank).keys()].filter((i) => i !== axis).concat([axis]);
    const moved = this.transpose(g, perm);
    const product = this.op('MatMul', [moved, matrix]);
    const inverse = new Array<number>(rank);
    perm.forEach((p, i) => (inverse[p] = i));
    return this.op('Transpose', [product], { perm: { ints: inverse } }, resultShape);
  }
}
