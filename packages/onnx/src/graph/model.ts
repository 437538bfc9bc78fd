import type { onnx } from '../proto/generated/onnx.js';
import { tensorValues } from '../proto/tensor.js';
import { InvalidModelError, UnsupportedOpsetError } from '../errors.js';
import { subgraphInputs } from './attributes.js';
import type { TensorFacts } from './builder.js';
import { isDefaultDomain } from './names.js';

export const MIN_OPSET = 11;
export const MAX_OPSET = 25;

/** The default-domain opset; throws for models outside 11–25 or with nodes of unimported domains. */
export function defaultOpset(model: onnx.IModelProto): number {
  const imports = model.opsetImport ?? [];
  const entry = imports.find((o) => isDefaultDomain(o.domain));
  if (!entry) throw new InvalidModelError('the model imports no default-domain (ai.onnx) opset');
  const version = Number(entry.version ?? 0);
  if (!Number.isInteger(version) || version < MIN_OPSET || version > MAX_OPSET) {
    throw new UnsupportedOpsetError(version, MIN_OPSET, MAX_OPSET);
  }
  const domains = new Set(imports.map((o) => (isDefaultDomain(o.domain) ? '' : (o.domain as string))));
  for (const node of model.graph?.node ?? []) {
    const domain = isDefaultDomain(node.domain) ? '' : (node.domain as string);
    if (!domains.has(domain)) {
      throw new InvalidModelError(`node "${node.name ?? ''}" (${node.opType ?? '?'}) uses domain "${domain}", which the model does not import`);
    }
  }
  return version;
}

export function domainOpset(model: onnx.IModelProto, domain: string): number {
  const entry = (model.opsetImport ?? []).find((o) => (isDefaultDomain(domain) ? isDefaultDomain(o.domain) : o.domain === domain));
  return Number(entry?.version ?? 0);
}

/** Names a node reads, including the outer-scope names its subgraphs read. */
export function nodeReads(node: onnx.INodeProto): string[] {
  return [...(node.input ?? []).filter((n) => n !== ''), ...subgraphInputs(node)];
}

/**
 * Nodes in an order where every producer precedes its consumers. A read of a name that no node,
 * graph input or initializer provides, and any cycle, is an InvalidModelError.
 */
export function topologicalOrder(graph: onnx.IGraphProto): onnx.INodeProto[] {
  const nodes = graph.node ?? [];
  const available = new Set<string>([...(graph.input ?? []).map((v) => v.name ?? ''), ...(graph.initializer ?? []).map((t) => t.name ?? '')]);
  for (const sparse of graph.sparseInitializer ?? []) if (sparse.values?.name) available.add(sparse.values.name);
  const producer = new Map<string, number>();
  nodes.forEach((node, index) => {
    for (const output of node.output ?? []) {
      if (!output) continue;
      if (producer.has(output) || available.has(output)) {
        throw new InvalidModelError(`tensor "${output}" is produced twice (node "${node.name ?? ''}")`);
      }
      producer.set(output, index);
    }
  });
  const subgraphNames = (node: onnx.INodeProto): Set<string> => new Set(subgraphInputs(node));
  const pending = new Array<number>(nodes.length).fill(0);
  const consumers = new Map<number, number[]>();
  nodes.forEach((node, index) => {
    const explicit = (node.input ?? []).filter((n) => n !== '');
    const implicit = subgraphNames(node);
    const dependencies = new Set<number>();
    for (const name of explicit) {
      const from = producer.get(name);
      if (from !== undefined) dependencies.add(from);
      else if (!available.has(name)) {
        throw new InvalidModelError(
          `node "${node.name ?? ''}" (${node.opType ?? '?'}) reads "${name}", which is no graph input, initializer or node output (missing initializer?)`,
        );
      }
    }
    for (const name of implicit) {
      const from = producer.get(name);
      if (from !== undefined) dependencies.add(from);
    }
    pending[index] = dependencies.size;
    for (const from of dependencies) {
      const list = consumers.get(from) ?? [];
      list.push(index);
      consumers.set(from, list);
    }
  });
  const queue = nodes.map((_, i) => i).filter((i) => pending[i] === 0);
  const order: onnx.INodeProto[] = [];
  for (let head = 0; head < queue.length; head++) {
    const index = queue[head] as number;
    order.push(nodes[index] as onnx.INodeProto);
    for (const next of consumers.get(index) ?? []) {
      pending[next] = (pending[next] as number) - 1;
      if (pending[next] === 0) queue.push(next);
    }
  }
  if (order.length !== nodes.length) {
    const stuck = nodes
      .filter((_, i) => (pending[i] as number) > 0)
      .slice(0, 5)
      .map((n) => `"${n.name ?? ''}" (${n.opType ?? '?'})`);
    throw new InvalidModelError(`the graph has a cycle through ${stuck.join(', ')}`);
  }
  for (const output of graph.output ?? []) {
    const name = output.name ?? '';
    if (!producer.has(name) && !available.has(name)) throw new InvalidModelError(`graph output "${name}" is produced by no node`);
  }
  return order;
}

const MAX_FACT_VALUES = 4096;

/** Declared dimensions must be non-negative integers whose product is an exact size. */
function checkDeclaredSize(name: string, dims: readonly number[]): void {
  let count = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new InvalidModelError(`tensor "${name}" declares dimension ${d}, which is not a size`);
    count *= d;
  }
  if (!Number.isSafeInteger(count) || count * 8 > Number.MAX_SAFE_INTEGER) {
    throw new InvalidModelError(`tensor "${name}" declares shape [${dims.join(', ')}], too large to exist`);
  }
}

/** Shapes, element types and small constant values stated in the model itself. */
export function modelFacts(graph: onnx.IGraphProto): TensorFacts {
  const shapes = new Map<string, readonly number[]>();
  const dataTypes = new Map<string, number>();
  const values = new Map<string, readonly number[]>();
  const infos = [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])];
  for (const info of infos) {
    const tensorType = info.type?.tensorType;
    if (!info.name || !tensorType) continue;
    if (tensorType.elemType) dataTypes.set(info.name, tensorType.elemType);
    const dims = tensorType.shape?.dim;
    if (!dims) continue;
    // Some exporters write −1 for an unknown dimension: treat it as unknown, not as an error.
    const known = dims.filter((d) => !d.dimParam && d.dimValue !== null && d.dimValue !== undefined).map((d) => Number(d.dimValue));
    const valid = known.filter((d) => d >= 0);
    checkDeclaredSize(info.name, valid);
    if (valid.length === dims.length) shapes.set(info.name, valid);
  }
  const remember = (name: string, tensor: onnx.ITensorProto): void => {
    const dims = (tensor.dims ?? []).map(Number);
    checkDeclaredSize(name, dims);
    shapes.set(name, dims);
    if (tensor.dataType) dataTypes.set(name, tensor.dataType);
    if (dims.reduce((a, b) => a * b, 1) <= MAX_FACT_VALUES && tensor.dataLocation !== 1) {
      try {
        values.set(name, Array.from(tensorValues(tensor, name).values));
      } catch {
        // Values of unusual types are only needed by rules that will say so.
      }
    }
  };
  for (const initializer of graph.initializer ?? []) if (initializer.name) remember(initializer.name, initializer);
  for (const node of graph.node ?? []) {
    if (node.opType !== 'Constant' || !isDefaultDomain(node.domain)) continue;
    const output = node.output?.[0];
    const attribute = node.attribute?.[0];
    if (!output || !attribute) continue;
    if (attribute.t) remember(output, attribute.t);
    else if (attribute.name === 'value_int') values.set(output, [Number(attribute.i)]);
    else if (attribute.name === 'value_ints') values.set(output, (attribute.ints ?? []).map(Number));
    else if (attribute.name === 'value_float') values.set(output, [Number(attribute.f)]);
    else if (attribute.name === 'value_floats') values.set(output, (attribute.floats ?? []).map(Number));
  }
  return { shapes, dataTypes, values };
}

/** Facts from `extra` (e.g. a probe run) override the model's own. */
export function mergeFacts(base: TensorFacts, extra: Partial<TensorFacts> | undefined): TensorFacts {
  if (!extra) return base;
  return {
    shapes: new Map([...base.shapes, ...(extra.shapes ?? [])]),
    dataTypes: new Map([...base.dataTypes, ...(extra.dataTypes ?? [])]),
    values: new Map([...base.values, ...(extra.values ?? [])]),
  };
}
