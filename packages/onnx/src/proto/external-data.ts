import { IGError } from '@ig/core';
import { onnx } from './generated/onnx.js';
import { decodeModel, encodeModel } from './model-io.js';
import { byteWidth, dataTypeName } from './tensor.js';

/** A tensor's external data cannot be found, read or trusted (a missing file, a short file, a path outside the model's folder). */
export class ExternalDataError extends IGError {
  constructor(message: string) {
    super('ONNX_EXTERNAL_DATA', message);
  }
}

/** Reads a file named by a tensor's `location`, relative to the model's folder (or URL). */
export type ExternalDataReader = (location: string) => Promise<Uint8Array> | Uint8Array;

/** onnxruntime reads a model of at most 2 GiB from memory (protobuf's limit). */
const MAX_MODEL_BYTES = 2 ** 31 - 1;

/** The key `location` as protobuf frames it in a StringStringEntryProto: field 1, length 8. */
const LOCATION_ENTRY = [0x0a, 0x08, ...Array.from('location', (c) => c.charCodeAt(0))];

/**
 * A fast scan of serialized model bytes for an external-data entry; false means the model has
 * none, true that it may (the bytes could also occur by chance inside raw tensor data).
 */
export function mayHaveExternalData(bytes: Uint8Array): boolean {
  const first = LOCATION_ENTRY[2] as number;
  for (let i = bytes.indexOf(first, 2); i >= 0; i = bytes.indexOf(first, i + 1)) {
    if (LOCATION_ENTRY.every((b, k) => bytes[i - 2 + k] === b)) return true;
  }
  return false;
}

/** Every TensorProto of a graph and its subgraphs: initializers, sparse initializers, constant attributes. */
function* tensorsOf(graph: onnx.IGraphProto): Generator<onnx.ITensorProto> {
  yield* graph.initializer ?? [];
  for (const sparse of graph.sparseInitializer ?? []) {
    if (sparse.values) yield sparse.values;
    if (sparse.indices) yield sparse.indices;
  }
  for (const node of graph.node ?? []) {
    for (const attribute of node.attribute ?? []) {
      if (attribute.t) yield attribute.t;
      yield* attribute.tensors ?? [];
      if (attribute.g) yield* tensorsOf(attribute.g);
      for (const sub of attribute.graphs ?? []) yield* tensorsOf(sub);
    }
  }
}

const isExternal = (tensor: onnx.ITensorProto): boolean => tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL;

/** The file an external tensor names (its `location` entry), relative to the model. */
export function externalLocation(tensor: onnx.ITensorProto): string | undefined {
  return (tensor.externalData ?? []).find((e) => e.key === 'location')?.value ?? undefined;
}

/** The tensors of a decoded model that keep their data in external files. */
export function externalTensors(model: onnx.IModelProto): onnx.ITensorProto[] {
  return model.graph ? [...tensorsOf(model.graph)].filter(isExternal) : [];
}

/** As the ONNX checker: a location is a relative path inside the model's folder. */
function checkLocation(location: string, tensor: string): void {
  const absolute = /^([\\/]|[A-Za-z]:[\\/])/.test(location);
  if (location === '' || absolute || location.split(/[\\/]/).includes('..')) {
    throw new ExternalDataError(`tensor "${tensor}": external data location "${location}" must be a relative path inside the model's folder`);
  }
}

function entryNumber(entries: ReadonlyMap<string, string>, key: string, tensor: string): number | undefined {
  const text = entries.get(key);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new ExternalDataError(`tensor "${tensor}": external data ${key} "${text}" is not a byte count`);
  return value;
}

/** The number of bytes a tensor of fixed-width elements holds, or undefined for strings and packed types. */
function expectedBytes(tensor: onnx.ITensorProto, name: string): number | undefined {
  try {
    return (tensor.dims ?? []).map(Number).reduce((a, b) => a * b, 1) * byteWidth(tensor.dataType ?? 0, name);
  } catch {
    return undefined;
  }
}

/**
 * A copy of the model with every external tensor's bytes read (each file once, through `read`)
 * into its raw_data, as onnxruntime needs for a model given as bytes. Throws ExternalDataError
 * naming the tensor and the file when a file is missing or too short, a location leaves the
 * model's folder, a length disagrees with the tensor's shape, or the whole would exceed 2 GiB.
 */
export async function inlineExternalData(source: Uint8Array | onnx.IModelProto, read: ExternalDataReader): Promise<onnx.ModelProto> {
  const model = decodeModel(source instanceof Uint8Array ? source : encodeModel(source));
  const files = new Map<string, Uint8Array>();
  let total = source instanceof Uint8Array ? source.length : 0;
  for (const tensor of externalTensors(model)) {
    const name = tensor.name ?? '';
    const entries = new Map((tensor.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
    const location = entries.get('location');
    if (location === undefined) throw new ExternalDataError(`tensor "${name}" is marked external but names no location`);
    checkLocation(location, name);
    let file = files.get(location);
    if (file === undefined) {
      try {
        file = await read(location);
      } catch (error) {
        throw new ExternalDataError(
          `tensor "${name}": external data file "${location}" could not be read: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      files.set(location, file);
    }
    const offset = entryNumber(entries, 'offset', name) ?? 0;
    const length = entryNumber(entries, 'length', name) ?? file.length - offset;
    if (offset + length > file.length) {
      throw new ExternalDataError(`tensor "${name}": bytes ${offset}..${offset + length} of "${location}" are asked for, but the file has ${file.length}`);
    }
    const expected = expectedBytes(tensor, name);
    if (expected !== undefined && expected !== length) {
      const dims = (tensor.dims ?? []).map(Number).join(', ');
      throw new ExternalDataError(`tensor "${name}": ${length} bytes in "${location}", but ${dataTypeName(tensor.dataType ?? 0)} [${dims}] needs ${expected}`);
    }
    total += length;
    if (total > MAX_MODEL_BYTES) {
      throw new ExternalDataError(`the model with its external data inlined exceeds 2 GiB (at tensor "${name}"); onnxruntime reads at most 2 GiB from memory`);
    }
    tensor.rawData = file.subarray(offset, offset + length);
    tensor.externalData = [];
    tensor.dataLocation = onnx.TensorProto.DataLocation.DEFAULT;
  }
  return model;
}

/** Refuses a model whose tensors still point at external files: given as bytes, nothing can read them. */
export function assertNoExternalData(model: onnx.IModelProto): void {
  const first = externalTensors(model)[0];
  if (first === undefined) return;
  const location = externalLocation(first) ?? '?';
  throw new ExternalDataError(
    `tensor "${first.name ?? ''}" keeps its data in the external file "${location}", which a model given as bytes cannot reach: ` +
      `give the model's file path or URL, or inline the data first with inlineExternalData(bytes, read)`,
  );
}
