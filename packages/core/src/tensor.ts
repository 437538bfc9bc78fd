import { ShapeMismatchError } from './errors.js';

/** A dense row-major float32 tensor. */
export interface Tensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Builds a tensor, checking that the shape is made of non-negative integers that fit the data. */
export function tensor(data: Float32Array | readonly number[], shape: readonly number[], name = 'tensor'): Tensor {
  const array = data instanceof Float32Array ? data : Float32Array.from(data);
  assertShape(shape, name);
  if (sizeOf(shape) !== array.length) {
    throw new ShapeMismatchError(`${name}: shape ${formatShape(shape)} holds ${sizeOf(shape)} values but data has ${array.length}`);
  }
  return { data: array, shape: [...shape] };
}

export function assertShape(shape: readonly number[], name: string): void {
  shape.forEach((d, axis) => {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeMismatchError(`${name}: dimension ${axis} of shape ${formatShape(shape)} is not a non-negative integer`);
    }
  });
}

export function checkTensor(t: Tensor, name: string): void {
  if (!(t.data instanceof Float32Array)) {
    throw new ShapeMismatchError(`${name}: data must be a Float32Array`);
  }
  assertShape(t.shape, name);
  if (sizeOf(t.shape) !== t.data.length) {
    throw new ShapeMismatchError(`${name}: shape ${formatShape(t.shape)} holds ${sizeOf(t.shape)} values but data has ${t.data.length}`);
  }
}

/**
 * Broadcasts `source` to `targetShape` by NumPy rules (trailing axes aligned, size-1 axes
 * stretched). Returns null when the shapes are not compatible.
 */
export function broadcastTo(source: Tensor, targetShape: readonly number[]): Float32Array | null {
  return broadcastInto(source, targetShape, (length) => new Float32Array(length));
}

/** broadcastTo writing into `allocate(size)`, an array whose every element it sets. */
export function broadcastInto(source: Tensor, targetShape: readonly number[], allocate: (length: number) => Float32Array): Float32Array | null {
  const rank = targetShape.length;
  if (source.shape.length > rank) return null;
  const offset = rank - source.shape.length;
  const srcStrides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let axis = source.shape.length - 1; axis >= 0; axis--) {
    const dim = source.shape[axis] as number;
    const want = targetShape[axis + offset] as number;
    if (dim !== want && dim !== 1) return null;
    srcStrides[axis + offset] = dim === 1 ? 0 : stride;
    stride *= dim;
  }
  const out = allocate(sizeOf(targetShape));
  if (sizeOf(source.shape) === out.length) {
    out.set(source.data);
    return out;
  }
  const index = new Array<number>(rank).fill(0);
  for (let flat = 0; flat < out.length; flat++) {
    let src = 0;
    for (let axis = 0; axis < rank; axis++) src += (index[axis] as number) * (srcStrides[axis] as number);
    out[flat] = source.data[src] as number;
    for (let axis = rank - 1; axis >= 0; axis--) {
      index[axis] = (index[axis] as number) + 1;
      if ((index[axis] as number) < (targetShape[axis] as number)) break;
      index[axis] = 0;
    }
  }
  return out;
}
