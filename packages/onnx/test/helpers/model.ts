import { DataType, encodeModel, makeTensor, onnx, type Attributes } from '../../src/index.js';
import { toAttributeProto } from '../../src/graph/attributes.js';

export interface NodeSpec {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: Attributes;
  readonly domain?: string;
}

export interface ConstantSpec {
  readonly dims: readonly number[];
  readonly values: readonly number[];
  readonly type?: 'float' | 'int64' | 'int32' | 'bool';
}

export interface ModelSpec {
  readonly opset: number;
  /** Input shapes; a string is a symbolic dimension. */
  readonly inputs: Readonly<Record<string, readonly (number | string)[]>>;
  readonly constants?: Readonly<Record<string, ConstantSpec>>;
  readonly nodes: readonly NodeSpec[];
  readonly outputs: readonly string[];
  readonly extraOpsets?: readonly { domain: string; version: number }[];
}

function info(name: string, shape?: readonly (number | string)[]): onnx.ValueInfoProto {
  const dim = shape?.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType: DataType.FLOAT, ...(dim ? { shape: { dim } } : {}) } },
  });
}

const CONSTANT_TYPES = { float: DataType.FLOAT, int64: DataType.INT64, int32: DataType.INT32, bool: DataType.BOOL } as const;

/** A small ONNX model from a compact description (float inputs and outputs). */
export function makeModel(spec: ModelSpec): Uint8Array {
  const graph = onnx.GraphProto.create({
    name: 'test',
    input: Object.entries(spec.inputs).map(([name, shape]) => info(name, shape)),
    output: spec.outputs.map((name) => info(name)),
    initializer: Object.entries(spec.constants ?? {}).map(([name, c]) => makeTensor(name, c.dims, CONSTANT_TYPES[c.type ?? 'float'], c.values)),
    node: spec.nodes.map((n, i) =>
      onnx.NodeProto.create({
        name: `${n.op}_${i}`,
        opType: n.op,
        domain: n.domain ?? '',
        input: [...n.inputs],
        output: [...n.outputs],
        attribute: Object.entries(n.attributes ?? {}).map(([name, value]) => toAttributeProto(name, value)),
      }),
    ),
  });
  return encodeModel(
    onnx.ModelProto.create({
      irVersion: spec.opset >= 21 ? 10 : spec.opset >= 19 ? 9 : spec.opset >= 15 ? 8 : 7,
      producerName: 'ig-onnx-tests',
      opsetImport: [{ domain: '', version: spec.opset }, ...(spec.extraOpsets ?? [])],
      graph,
    }),
  );
}
