import { DataType, encodeModel, makeTensor, onnx, type Attributes } from '../../src/index.js';
import { toAttributeProto } from '../../src/graph/attributes.js';

export interface NodeSpec {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: Attributes;
  readonly domain?: string;
  /** Graph attributes (If branches, Loop and Scan bodies). */
  readonly graphs?: Readonly<Record<string, GraphSpec>>;
}

export type ElementType = 'float' | 'int64' | 'bool';

/** A subgraph: its inputs and outputs with their element types, in order (int64 and bool ones scalars, as Loop's iteration number and condition; float shapes left open). */
export interface GraphSpec {
  readonly inputs: Readonly<Record<string, ElementType>>;
  readonly nodes: readonly NodeSpec[];
  readonly outputs: Readonly<Record<string, ElementType>>;
}

export interface ConstantSpec {
  readonly dims: readonly number[];
  readonly values: readonly number[];
  readonly type?: 'float' | 'int64' | 'int32' | 'bool' | 'int8' | 'uint8';
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

const ELEMENT_TYPES: Record<ElementType, number> = { float: DataType.FLOAT, int64: DataType.INT64, bool: DataType.BOOL };
const CONSTANT_TYPES = {
  float: DataType.FLOAT,
  int64: DataType.INT64,
  int32: DataType.INT32,
  bool: DataType.BOOL,
  int8: DataType.INT8,
  uint8: DataType.UINT8,
} as const;

function typed(name: string, type: ElementType): onnx.ValueInfoProto {
  const shape = type === 'float' ? {} : { shape: { dim: [] } };
  return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: ELEMENT_TYPES[type], ...shape } } });
}

function nodeProto(n: NodeSpec, i: number, prefix = ''): onnx.NodeProto {
  const graphs = Object.entries(n.graphs ?? {}).map(([name, g]) =>
    onnx.AttributeProto.create({
      name,
      type: onnx.AttributeProto.AttributeType.GRAPH,
      g: onnx.GraphProto.create({
        name,
        input: Object.entries(g.inputs).map(([input, type]) => typed(input, type)),
        output: Object.entries(g.outputs).map(([output, type]) => typed(output, type)),
        node: g.nodes.map((inner, k) => nodeProto(inner, k, `${prefix}${name}_`)),
      }),
    }),
  );
  return onnx.NodeProto.create({
    name: `${prefix}${n.op}_${i}`,
    opType: n.op,
    domain: n.domain ?? '',
    input: [...n.inputs],
    output: [...n.outputs],
    attribute: [...Object.entries(n.attributes ?? {}).map(([name, value]) => toAttributeProto(name, value)), ...graphs],
  });
}

/** A small ONNX model from a compact description (float inputs and outputs). */
export function makeModel(spec: ModelSpec): Uint8Array {
  const graph = onnx.GraphProto.create({
    name: 'test',
    input: Object.entries(spec.inputs).map(([name, shape]) => info(name, shape)),
    output: spec.outputs.map((name) => info(name)),
    initializer: Object.entries(spec.constants ?? {}).map(([name, c]) => makeTensor(name, c.dims, CONSTANT_TYPES[c.type ?? 'float'], c.values)),
    node: spec.nodes.map((n, i) => nodeProto(n, i)),
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
