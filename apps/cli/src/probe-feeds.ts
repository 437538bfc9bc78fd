import { UsageError } from './errors.js';

interface TensorConstructor {
  new (type: string, data: ArrayBufferView, dims: readonly number[]): unknown;
}

/** Zeros of each element type a model input may declare, as onnxruntime takes them; float inputs run lowered to float32. */
const ZEROS: Readonly<Record<string, { type: string; make: (n: number) => ArrayBufferView }>> = {
  float: { type: 'float32', make: (n) => new Float32Array(n) },
  double: { type: 'float32', make: (n) => new Float32Array(n) },
  float16: { type: 'float32', make: (n) => new Float32Array(n) },
  bfloat16: { type: 'float32', make: (n) => new Float32Array(n) },
  int64: { type: 'int64', make: (n) => new BigInt64Array(n) },
  uint64: { type: 'uint64', make: (n) => new BigUint64Array(n) },
  int32: { type: 'int32', make: (n) => new Int32Array(n) },
  uint32: { type: 'uint32', make: (n) => new Uint32Array(n) },
  int16: { type: 'int16', make: (n) => new Int16Array(n) },
  uint16: { type: 'uint16', make: (n) => new Uint16Array(n) },
  int8: { type: 'int8', make: (n) => new Int8Array(n) },
  uint8: { type: 'uint8', make: (n) => new Uint8Array(n) },
  bool: { type: 'bool', make: (n) => new Uint8Array(n) },
};

/**
 * A tensor of zeros for one model input, of its own element type (token ids as int64 zeros), to
 * run the model once and learn its tensors' shapes.
 */
export function zeroFeed<T>(Tensor: new (...args: never[]) => T, input: { name: string; type: string }, shape: readonly number[]): T {
  const zeros = ZEROS[input.type];
  if (zeros === undefined) throw new UsageError(`input '${input.name}' has element type ${input.type}, which the shape probe cannot feed`);
  return new (Tensor as unknown as TensorConstructor)(zeros.type, zeros.make(shape.reduce((a, b) => a * b, 1)), shape) as T;
}
