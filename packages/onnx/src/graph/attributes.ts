import { onnx } from '../proto/generated/onnx.js';
import { InvalidModelError } from '../errors.js';

const AttributeType = onnx.AttributeProto.AttributeType;

// Present in Node and browsers; declared here because the build targets plain ES2022.
const { TextEncoder: Utf8Encoder, TextDecoder: Utf8Decoder } = globalThis as unknown as {
  TextEncoder: new () => { encode(text: string): Uint8Array };
  TextDecoder: new () => { decode(bytes: Uint8Array): string };
};

/** An attribute value to set on a new node; the tag fixes the ONNX attribute type. */
export type AttributeValue =
  | { readonly int: number }
  | { readonly float: number }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] }
  | { readonly string: string }
  | { readonly strings: readonly string[] }
  | { readonly tensor: onnx.ITensorProto };

export type Attributes = Readonly<Record<string, AttributeValue>>;

export function toAttributeProto(name: string, value: AttributeValue): onnx.AttributeProto {
  if ('int' in value) return onnx.AttributeProto.create({ name, type: AttributeType.INT, i: value.int });
  if ('float' in value) return onnx.AttributeProto.create({ name, type: AttributeType.FLOAT, f: value.float });
  if ('ints' in value) return onnx.AttributeProto.create({ name, type: AttributeType.INTS, ints: [...value.ints] });
  if ('floats' in value) return onnx.AttributeProto.create({ name, type: AttributeType.FLOATS, floats: [...value.floats] });
  if ('string' in value) return onnx.AttributeProto.create({ name, type: AttributeType.STRING, s: new Utf8Encoder().encode(value.string) });
  if ('strings' in value)
    return onnx.AttributeProto.create({ name, type: AttributeType.STRINGS, strings: value.strings.map((s) => new Utf8Encoder().encode(s)) });
  return onnx.AttributeProto.create({ name, type: AttributeType.TENSOR, t: value.tensor });
}

function describe(node: onnx.INodeProto): string {
  return `${node.opType ?? '?'} node "${node.name ?? ''}"`;
}

function find(node: onnx.INodeProto, name: string): onnx.IAttributeProto | undefined {
  return (node.attribute ?? []).find((a) => a.name === name);
}

export function hasAttribute(node: onnx.INodeProto, name: string): boolean {
  return find(node, name) !== undefined;
}

export function intAttribute(node: onnx.INodeProto, name: string, fallback: number): number {
  const attribute = find(node, name);
  if (!attribute) return fallback;
  const value = Number(attribute.i ?? 0);
  if (!Number.isFinite(value)) throw new InvalidModelError(`${describe(node)}: attribute ${name} is not a finite integer`);
  return value;
}

export function floatAttribute(node: onnx.INodeProto, name: string, fallback: number): number {
  const attribute = find(node, name);
  return attribute ? Number(attribute.f ?? 0) : fallback;
}

export function intsAttribute(node: onnx.INodeProto, name: string): number[] | undefined {
  const attribute = find(node, name);
  return attribute ? (attribute.ints ?? []).map(Number) : undefined;
}

export function floatsAttribute(node: onnx.INodeProto, name: string): number[] | undefined {
  const attribute = find(node, name);
  return attribute ? (attribute.floats ?? []).map(Number) : undefined;
}

export function stringAttribute(node: onnx.INodeProto, name: string, fallback: string): string {
  const attribute = find(node, name);
  return attribute?.s ? new Utf8Decoder().decode(attribute.s) : fallback;
}

export function tensorAttribute(node: onnx.INodeProto, name: string): onnx.ITensorProto | undefined {
  return find(node, name)?.t ?? undefined;
}

/** Names read by a node's subgraphs (If/Loop/Scan bodies), which act as hidden inputs. */
export function subgraphInputs(node: onnx.INodeProto): string[] {
  const names: string[] = [];
  const visit = (graph: onnx.IGraphProto): void => {
    for (const inner of graph.node ?? []) {
      names.push(...(inner.input ?? []).filter((n) => n !== ''));
      for (const a of inner.attribute ?? []) {
        if (a.g) visit(a.g);
        for (const g of a.graphs ?? []) visit(g);
      }
    }
    for (const output of graph.output ?? []) if (output.name) names.push(output.name);
  };
  for (const attribute of node.attribute ?? []) {
    if (attribute.g) visit(attribute.g);
    for (const graph of attribute.graphs ?? []) visit(graph);
  }
  return names;
}
