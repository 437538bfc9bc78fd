import { onnx } from './generated/onnx.js';
import { InvalidModelError } from '../errors.js';
import { float16ToNumber } from '@ig/core';

export const DataType = onnx.TensorProto.DataType;

const FLOAT_TYPES = new Set<number>([DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16, DataType.BFLOAT16]);

export function isFloatType(dataType: number): boolean {
  return FLOAT_TYPES.has(dataType);
}

export function dataTypeName(dataType: number): string {
  return (DataType as unknown as Record<number, string>)[dataType] ?? `type ${dataType}`;
}

/** A tensor's values as plain numbers (int64 as number, exact up to 2^53). */
export interface TensorValues {
  readonly dims: readonly number[];
  readonly dataType: number;
  readonly values: readonly number[] | Float32Array;
}

function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Decodes a TensorProto's numeric values from raw_data or the typed fields. */
export function tensorValues(tensor: onnx.ITensorProto, name = tensor.name ?? ''): TensorValues {
  const dims = (tensor.dims ?? []).map(Number);
  const dataType = tensor.dataType ?? DataType.UNDEFINED;
  if (tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new InvalidModelError(`tensor "${name}" stores its data externally; its values cannot be read here`);
  }
  const count = elementCount(dims);
  const raw = tensor.rawData;
  if (raw && raw.length > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const width = byteWidth(dataType, name);
    if (raw.length !== count * width) {
      throw new InvalidModelError(`tensor "${name}": raw_data has ${raw.length} bytes, dims [${dims.join(', ')}] need ${count * width}`);
    }
    if (dataType === DataType.FLOAT) {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
      return { dims, dataType, values: out };
    }
    const values: number[] = new Array<number>(count);
    for (let i = 0; i < count; i++) values[i] = readScalar(view, dataType, i);
    return { dims, dataType, values };
  }
  const fromField = typedField(tensor, dataType);
  if (fromField.length !== count) {
    throw new InvalidModelError(`tensor "${name}": ${fromField.length} values stored, dims [${dims.join(', ')}] need ${count}`);
  }
  return { dims, dataType, values: dataType === DataType.FLOAT ? Float32Array.from(fromField) : fromField };
}

function typedField(tensor: onnx.ITensorProto, dataType: number): number[] {
  switch (dataType) {
    case DataType.FLOAT:
      return tensor.floatData ?? [];
    case DataType.DOUBLE:
      return tensor.doubleData ?? [];
    case DataType.INT64:
      return (tensor.int64Data ?? []).map(Number);
    case DataType.UINT64:
    case DataType.UINT32:
      return (tensor.uint64Data ?? []).map(Number);
    default:
      return tensor.int32Data ?? [];
  }
}

export function byteWidth(dataType: number, name: string): number {
  switch (dataType) {
    case DataType.FLOAT:
    case DataType.INT32:
    case DataType.UINT32:
      return 4;
    case DataType.DOUBLE:
    case DataType.INT64:
    case DataType.UINT64:
      return 8;
    case DataType.INT16:
    case DataType.UINT16:
    case DataType.FLOAT16:
    case DataType.BFLOAT16:
      return 2;
    case DataType.INT8:
    case DataType.UINT8:
    case DataType.BOOL:
      return 1;
    default:
      throw new InvalidModelError(`tensor "${name}": cannot read values of ${dataTypeName(dataType)}`);
  }
}

function readScalar(view: DataView, dataType: number, i: number): number {
  switch (dataType) {
    case DataType.INT32:
      return view.getInt32(i * 4, true);
    case DataType.UINT32:
      return view.getUint32(i * 4, true);
    case DataType.DOUBLE:
      return view.getFloat64(i * 8, true);
    case DataType.INT64:
      return Number(view.getBigInt64(i * 8, true));
    case DataType.UINT64:
      return Number(view.getBigUint64(i * 8, true));
    case DataType.INT16:
      return view.getInt16(i * 2, true);
    case DataType.UINT16:
      return view.getUint16(i * 2, true);
    case DataType.INT8:
      return view.getInt8(i);
    case DataType.UINT8:
    case DataType.BOOL:
      return view.getUint8(i);
    default:
      return halfToNumber(view.getUint16(i * 2, true), dataType === DataType.BFLOAT16);
  }
}

function halfToNumber(bits: number, brain: boolean): number {
  if (brain) return new Float32Array(new Uint32Array([bits << 16]).buffer)[0] as number;
  return float16ToNumber(bits);
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/**
 * `v` as an int64, saturated: INT64_MAX read into a number rounds up to 2^63 (exporters write it
 * for "to the end" in Slice ends), which must not wrap around to INT64_MIN.
 */
function toInt64(v: number): bigint {
  if (!Number.isFinite(v)) return v > 0 ? INT64_MAX : INT64_MIN;
  const big = BigInt(Math.trunc(v));
  return big > INT64_MAX ? INT64_MAX : big < INT64_MIN ? INT64_MIN : big;
}

/** A FLOAT or INT64 initializer stored as raw little-endian bytes. */
export function makeTensor(name: string, dims: readonly number[], dataType: number, values: ArrayLike<number>): onnx.TensorProto {
  const count = elementCount(dims);
  if (values.length !== count) {
    throw new InvalidModelError(`tensor "${name}": ${values.length} values for dims [${dims.join(', ')}]`);
  }
  let raw: Uint8Array;
  if (dataType === DataType.FLOAT) {
    raw = new Uint8Array(Float32Array.from(values).buffer);
  } else if (dataType === DataType.INT64) {
    raw = new Uint8Array(BigInt64Array.from(Array.from(values, toInt64)).buffer);
  } else if (dataType === DataType.INT32) {
    raw = new Uint8Array(Int32Array.from(values).buffer);
  } else if (dataType === DataType.BOOL) {
    raw = Uint8Array.from(values, (v) => (v ? 1 : 0));
  } else if (dataType === DataType.INT8) {
    raw = new Uint8Array(Int8Array.from(values).buffer);
  } else if (dataType === DataType.UINT8) {
    raw = Uint8Array.from(values);
  } else {
    throw new InvalidModelError(`makeTensor: unsupported data type ${dataTypeName(dataType)} for "${name}"`);
  }
  return onnx.TensorProto.create({ name, dims: [...dims], dataType, rawData: raw });
}
