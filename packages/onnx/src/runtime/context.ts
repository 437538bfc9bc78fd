import { IGError } from '@ig/core';
import type { onnx } from '../proto/generated/onnx.js';
import { DataType, dataTypeName } from '../proto/tensor.js';
import type { OrtModuleLike, OrtTensorLike } from './ort.js';

/** Values of an input that is held fixed: token ids, an attention mask, token type ids. */
export type ContextData = BigInt64Array | Int32Array | Uint8Array | Float32Array;

/**
 * The value of a context input, batch axis first: one row (`[1, sequence]`), fed with every path
 * point, or one row per example of the attributed inputs (`[N, sequence]`), fed with the points of
 * its example (Captum's `additional_forward_args`).
 */
export interface ContextTensor {
  readonly data: ContextData;
  readonly shape: readonly number[];
}

export type ContextInputs = Readonly<Record<string, ContextTensor>>;

/** A context input is missing, not an input of the model, of the wrong type, or of the wrong size. */
export class ContextInputError extends IGError {
  readonly inputName: string;
  constructor(inputName: string, message: string) {
    super('ONNX_CONTEXT_INPUT', `input "${inputName}": ${message}`);
    this.inputName = inputName;
  }
}

const ORT_TYPES: ReadonlyMap<number, { ort: string; array: string }> = new Map([
  [DataType.INT64, { ort: 'int64', array: 'BigInt64Array' }],
  [DataType.INT32, { ort: 'int32', array: 'Int32Array' }],
  [DataType.BOOL, { ort: 'bool', array: 'Uint8Array' }],
  [DataType.UINT8, { ort: 'uint8', array: 'Uint8Array' }],
  [DataType.FLOAT, { ort: 'float32', array: 'Float32Array' }],
]);

export interface ResolvedContext {
  readonly name: string;
  readonly ortType: string;
  readonly tensor: ContextTensor;
}

/**
 * Integer values given as int64 for an int32 input (token ids, masks: what tokenizers and .npy
 * files usually hold), or as int32 for an int64 one, converted to the declared type; an int64
 * value outside the int32 range is refused rather than wrapped.
 */
export function asDeclaredInteger(name: string, tensor: ContextTensor, elemType: number): ContextTensor {
  const { data } = tensor;
  if (elemType === DataType.INT32 && data instanceof BigInt64Array) {
    const converted = new Int32Array(data.length);
    for (let k = 0; k < data.length; k++) {
      const v = data[k] as bigint;
      if (v > 2147483647n || v < -2147483648n) throw new ContextInputError(name, `is int32, but the value ${v} at position ${k} does not fit in int32`);
      converted[k] = Number(v);
    }
    return { data: converted, shape: tensor.shape };
  }
  if (elemType === DataType.INT64 && data instanceof Int32Array) return { data: BigInt64Array.from(data, (v) => BigInt(v)), shape: tensor.shape };
  return tensor;
}

const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Checks that every graph input that is not differentiated has a context value of its declared
 * type and of a size matching its declared static dimensions, and that no context names an
 * input the model lacks or one that is differentiated.
 */
export function resolveContext(graph: onnx.IGraphProto, differentiated: readonly string[], context: ContextInputs): ResolvedContext[] {
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const inputs = (graph.input ?? []).filter((v) => !initializers.has(v.name));
  const names = new Set(inputs.map((v) => v.name ?? ''));
  for (const name of Object.keys(context)) {
    if (!names.has(name)) throw new ContextInputError(name, `is not an input of the model (inputs: ${[...names].join(', ')})`);
    if (differentiated.includes(name)) throw new ContextInputError(name, 'is the input being attributed; it cannot also be held fixed');
  }
  const resolved: ResolvedContext[] = [];
  for (const info of inputs) {
    const name = info.name ?? '';
    if (differentiated.includes(name)) continue;
    const elemType = info.type?.tensorType?.elemType ?? DataType.FLOAT;
    const tensor = context[name];
    const kind = ORT_TYPES.get(elemType);
    if (!tensor) {
      throw new ContextInputError(
        name,
        `${dataTypeName(elemType)} input is not attributed, so its value must be given as context (attributed: ${differentiated.join(', ')})`,
      );
    }
    if (!kind) throw new ContextInputError(name, `${dataTypeName(elemType)} inputs are not supported as context`);
    const value = asDeclaredInteger(name, tensor, elemType);
    if (value.data.constructor.name !== kind.array) {
      throw new ContextInputError(name, `is ${dataTypeName(elemType)}, so its data must be a ${kind.array}, got a ${value.data.constructor.name}`);
    }
    if (tensor.data.length !== product(tensor.shape) || !((tensor.shape[0] ?? 0) >= 1)) {
      throw new ContextInputError(
        name,
        `shape [${tensor.shape.join(', ')}] must start with a batch axis (1, or one row per example) and hold ${tensor.data.length} values`,
      );
    }
    const dims = info.type?.tensorType?.shape?.dim ?? [];
    if (dims.length > 0 && dims.length !== tensor.shape.length) {
      throw new ContextInputError(name, `has ${dims.length} axes, the given value has shape [${tensor.shape.join(', ')}]`);
    }
    dims.forEach((dim, axis) => {
      const fixed = axis > 0 && !dim.dimParam && Number(dim.dimValue) > 0 ? Number(dim.dimValue) : undefined;
      if (fixed !== undefined && tensor.shape[axis] !== fixed) {
        throw new ContextInputError(name, `axis ${axis} must be ${fixed}, the given value has shape [${tensor.shape.join(', ')}]`);
      }
    });
    resolved.push({ name, ortType: kind.ort, tensor: value });
  }
  checkRowCounts(resolved);
  return resolved;
}

/** Context values with a row per example must agree on the number of examples. */
function checkRowCounts(context: readonly ResolvedContext[]): void {
  const perExample = context.filter(({ tensor }) => (tensor.shape[0] as number) > 1);
  const first = perExample[0];
  for (const { name, tensor } of perExample) {
    if (first && tensor.shape[0] !== first.tensor.shape[0]) {
      throw new ContextInputError(
        name,
        `has ${tensor.shape[0]} rows (examples), but "${first.name}" has ${first.tensor.shape[0]}: give both a row per example, or one row`,
      );
    }
  }
}

/**
 * The example of each of the `size` slots of a run that holds points `start`..`start + count − 1`
 * of a call whose points belong to `exampleIndices` (padding slots repeat the last point's);
 * undefined when the call does not say.
 */
export function slotExamples(exampleIndices: Int32Array | undefined, start: number, count: number, size: number): Int32Array | undefined {
  if (exampleIndices === undefined) return undefined;
  return Int32Array.from({ length: size }, (_, k) => exampleIndices[start + Math.min(k, count - 1)] as number);
}

/** The row of `tensor` that slot `k` takes: its only row, or the row of the slot's example. */
function rowOf(name: string, tensor: ContextTensor, slots: Int32Array | undefined, k: number): number {
  const rows = tensor.shape[0] as number;
  if (rows === 1) return 0;
  if (slots === undefined) {
    throw new ContextInputError(name, `holds values for ${rows} examples, but the call does not say which example each point belongs to (exampleIndices)`);
  }
  const example = slots[k] as number;
  if (example < 0 || example >= rows) {
    throw new ContextInputError(name, `holds values for ${rows} examples, but a point of example ${example} was given: give one row per example of the input`);
  }
  return example;
}

type AnyTensorConstructor = new (type: string, data: ContextData, dims: readonly number[]) => OrtTensorLike;

/** The context values of `count` run slots, slot k the row of example `slots[k]` (see slotExamples). */
export function contextFeeds(
  ort: OrtModuleLike,
  context: readonly ResolvedContext[],
  count: number,
  slots: Int32Array | undefined,
): Record<string, OrtTensorLike> {
  const Tensor = ort.Tensor as unknown as AnyTensorConstructor;
  const feeds: Record<string, OrtTensorLike> = {};
  for (const { name, ortType, tensor } of context) {
    const size = tensor.data.length / (tensor.shape[0] as number);
    const Data = tensor.data.constructor as new (length: number) => ContextData;
    const data = new Data(size * count);
    for (let k = 0; k < count; k++) {
      const row = rowOf(name, tensor, slots, k);
      (data as Float32Array).set((tensor.data as Float32Array).subarray(row * size, (row + 1) * size), k * size);
    }
    feeds[name] = new Tensor(ortType, data, [count, ...tensor.shape.slice(1)]);
  }
  return feeds;
}

/** Feeds one example's context values (batch 1) for a prefix or forward run. */
export function feedsOf(
  ort: OrtModuleLike,
  values: Readonly<Record<string, ContextTensor>>,
  types: ReadonlyMap<string, number>,
): Record<string, OrtTensorLike> {
  const Tensor = ort.Tensor as unknown as AnyTensorConstructor;
  const feeds: Record<string, OrtTensorLike> = {};
  for (const [name, tensor] of Object.entries(values)) {
    const kind = ORT_TYPES.get(types.get(name) ?? DataType.FLOAT);
    if (!kind) throw new ContextInputError(name, `${dataTypeName(types.get(name) ?? 0)} inputs are not supported`);
    const value = asDeclaredInteger(name, tensor, types.get(name) ?? DataType.FLOAT);
    if (value.data.constructor.name !== kind.array) throw new ContextInputError(name, `its data must be a ${kind.array}, got a ${value.data.constructor.name}`);
    feeds[name] = new Tensor(kind.ort, value.data, value.shape);
  }
  return feeds;
}

/** Inputs whose declared shapes share a named axis (`sequence`) must agree on its length. */
export function checkSharedAxes(graph: onnx.IGraphProto, values: Readonly<Record<string, ContextTensor>>): void {
  const seen = new Map<string, { input: string; size: number }>();
  for (const info of graph.input ?? []) {
    const value = values[info.name ?? ''];
    if (!value) continue;
    (info.type?.tensorType?.shape?.dim ?? []).forEach((dim, axis) => {
      if (!dim.dimParam || axis === 0) return;
      const size = value.shape[axis] as number;
      const first = seen.get(dim.dimParam);
      if (!first) seen.set(dim.dimParam, { input: info.name ?? '', size });
      else if (first.size !== size) {
        throw new ContextInputError(info.name ?? '', `axis ${axis} ("${dim.dimParam}") has length ${size}, but "${first.input}" has ${first.size}`);
      }
    });
  }
}
