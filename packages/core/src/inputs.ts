import { ShapeMismatchError } from './errors.js';
import { formatShape, type Tensor } from './tensor.js';

/** Numbers nested to any depth: `[1, 2]`, `[[1, 2], [3, 4]]`, … (rectangular). */
export type NestedNumbers = readonly (number | NestedNumbers)[];

/** A TensorFlow.js tensor, or anything else with a shape and a synchronous read of its values. */
export interface TfTensorInput {
  readonly shape: readonly number[];
  dataSync(): ArrayLike<number> | readonly string[];
}

/** An onnxruntime tensor (`ort.Tensor`), or anything else with `dims` and flat `data`. */
export interface OrtTensorInput {
  readonly dims: readonly number[];
  readonly data: ArrayLike<number | bigint> | readonly string[];
  readonly type?: string;
}

/**
 * One model input in any form the core reads:
 * - a tensor `{ data, shape }` (data a Float32Array or a number[]);
 * - a `Float32Array` or `number[]`: one example, shape `[1, length]`;
 * - nested arrays, e.g. `[[0.1, 0.2], [0.3, 0.4]]`: the shape is inferred, the outermost axis is
 *   the batch (`[[…]]` for one example); a flat `number[]` is one example as above;
 * - a `tf.Tensor` (TfTensorInput) or an `ort.Tensor` (OrtTensorInput), batch axis first.
 */
export type InputLike =
  Tensor | { readonly data: readonly number[]; readonly shape: readonly number[] } | Float32Array | NestedNumbers | TfTensorInput | OrtTensorInput;

/**
 * The `inputs` argument of every method: one input (InputLike) or, for a model with several
 * inputs, an array of them. An array of numbers or of arrays of numbers is always one input;
 * several inputs are given as an array of tensors, typed arrays or tensor objects.
 */
export type Inputs = InputLike | readonly Exclude<InputLike, NestedNumbers>[];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function isNumberArray(value: unknown): value is NestedNumbers {
  return Array.isArray(value) && (value.length === 0 || typeof value[0] === 'number' || Array.isArray(value[0]));
}

function toFloat32(values: ArrayLike<unknown>, name: string): Float32Array {
  if (values instanceof Float32Array) return values;
  const out = new Float32Array(values.length);
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (typeof v === 'number') out[k] = v;
    else if (typeof v === 'bigint') out[k] = Number(v);
    else throw new ShapeMismatchError(`${name}: value ${k} is ${typeof v} ${JSON.stringify(v) ?? String(v)}, not a number`);
  }
  return out;
}

/** The shape of rectangular nested arrays; a ragged or non-numeric entry is named by its index path. */
function nestedShape(value: NestedNumbers, name: string): number[] {
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const check = (node: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof node !== 'number')
        throw new ShapeMismatchError(
          `${name}${path} is ${Array.isArray(node) ? 'an array' : (JSON.stringify(node) ?? String(node))}; expected a number (shape ${formatShape(shape)} from the first entries)`,
        );
      return;
    }
    if (!Array.isArray(node))
      throw new ShapeMismatchError(
        `${name}${path} is ${JSON.stringify(node) ?? String(node)}; expected an array of ${shape[depth]} (shape ${formatShape(shape)} from the first entries)`,
      );
    if (node.length !== shape[depth]) {
      throw new ShapeMismatchError(
        `${name}${path} has ${node.length} entries but ${name}${'[0]'.repeat(depth)} has ${shape[depth]}: nested arrays must be rectangular (shape ${formatShape(shape)} from the first entries)`,
      );
    }
    node.forEach((child: unknown, k: number) => check(child, depth + 1, `${path}[${k}]`));
  };
  check(value, 0, '');
  return shape;
}

function flatten(value: NestedNumbers, size: number): Float32Array {
  const out = new Float32Array(size);
  let k = 0;
  const walk = (node: number | NestedNumbers): void => {
    if (typeof node === 'number') out[k++] = node;
    else for (const child of node) walk(child);
  };
  walk(value);
  return out;
}

/** One input as a core tensor (data shared when it already is a Float32Array). */
export function inputTensor(input: InputLike, name = 'input 0'): Tensor {
  const value: unknown = input;
  if (value instanceof Float32Array) return { data: value, shape: [1, value.length] };
  if (isNumberArray(value)) {
    const shape = nestedShape(value, name);
    if (shape.length === 1) shape.unshift(1);
    return {
      data: flatten(
        value,
        shape.reduce((a, b) => a * b, 1),
      ),
      shape,
    };
  }
  if (isObject(value) && typeof value.dataSync === 'function' && Array.isArray(value.shape)) {
    const t = value as unknown as TfTensorInput;
    return { data: toFloat32(t.dataSync(), name), shape: [...t.shape] };
  }
  if (isObject(value) && Array.isArray(value.dims) && isObject(value.data)) {
    const t = value as unknown as OrtTensorInput;
    if (typeof t.type === 'string' && ['string', 'bool'].includes(t.type))
      throw new ShapeMismatchError(`${name}: an ort.Tensor of type ${t.type} cannot be attributed; give float values`);
    return { data: toFloat32(t.data, name), shape: [...t.dims] };
  }
  if (isObject(value) && isObject(value.data) && Array.isArray(value.shape)) {
    const t = value as unknown as { data: ArrayLike<unknown>; shape: number[] };
    return { data: toFloat32(t.data, name), shape: [...t.shape] };
  }
  throw new ShapeMismatchError(`${name} is not a tensor: give { data, shape }, a Float32Array, a number[] or nested arrays, a tf.Tensor or an ort.Tensor`);
}

/** Every input as a core tensor; see Inputs for how one input is told from several. */
export function inputTensors(inputs: Inputs): Tensor[] {
  if (Array.isArray(inputs) && inputs.length === 0) throw new ShapeMismatchError('no inputs given: pass a tensor or an array of tensors');
  if (Array.isArray(inputs) && !isNumberArray(inputs)) {
    return (inputs as readonly InputLike[]).map((value, i) => inputTensor(value, `input ${i}`));
  }
  return [inputTensor(inputs as InputLike)];
}
