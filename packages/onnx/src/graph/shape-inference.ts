import type { onnx } from '../proto/generated/onnx.js';
import { DataType } from '../proto/tensor.js';
import type { TensorFacts } from './builder.js';
import { modelFacts, topologicalOrder } from './model.js';
import { isDefaultDomain } from './names.js';
import { SHAPE_RULES } from './shape-ops.js';
import type { KnownTensor } from './shape-facts.js';

const MAX_VALUES = 4096;

/**
 * The facts a probe run would record (every tensor's shape and type, the values of integer
 * tensors), inferred statically for the given input shapes (batch axis included). Returns null
 * where some node is outside the ops SHAPE_RULES covers, has a data-dependent shape, or an
 * integer output whose values cannot be computed: the caller then probes the model instead.
 * With `partial`, such a node's outputs (and what depends on them) are left out instead, and the
 * facts of every other tensor are returned.
 */
export function inferFacts(
  model: onnx.IModelProto,
  inputShapes: ReadonlyMap<string, readonly number[]>,
  options: { readonly partial?: boolean } = {},
): TensorFacts | null {
  const partial = options.partial === true;
  const graph = model.graph as onnx.IGraphProto;
  let order: onnx.INodeProto[];
  try {
    order = topologicalOrder(graph);
  } catch {
    return null;
  }
  const declared = modelFacts(graph);
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const known = new Map<string, KnownTensor>();
  for (const name of initializers) {
    const shape = declared.shapes.get(name);
    if (!shape) return null;
    const values = declared.values.get(name);
    known.set(name, { shape, dataType: declared.dataTypes.get(name) ?? DataType.FLOAT, ...(values ? { values } : {}) });
  }
  for (const info of graph.input ?? []) {
    const name = info.name ?? '';
    if (initializers.has(name)) continue;
    const shape = inputShapes.get(name);
    if (!shape) return null;
    known.set(name, { shape, dataType: DataType.FLOAT });
  }
  for (const node of order) {
    const facts = nodeFacts(node, declared, known);
    if (facts === null) {
      if (partial) continue;
      return null;
    }
    for (const [name, fact] of facts) known.set(name, fact);
  }
  const shapes = new Map<string, readonly number[]>();
  const dataTypes = new Map<string, number>();
  const values = new Map<string, readonly number[]>();
  for (const [name, fact] of known) {
    shapes.set(name, fact.shape);
    dataTypes.set(name, fact.dataType);
    if (fact.values && fact.values.length <= MAX_VALUES) values.set(name, fact.values);
  }
  return { shapes, dataTypes, values };
}

/** The facts of one node's outputs from those of its inputs; null where they cannot be inferred. */
function nodeFacts(node: onnx.INodeProto, declared: TensorFacts, known: ReadonlyMap<string, KnownTensor>): [string, KnownTensor][] | null {
  const outputs = node.output ?? [];
  if (!isDefaultDomain(node.domain)) return null;
  if (node.opType === 'Constant') {
    const name = outputs[0] ?? '';
    const shape = declared.shapes.get(name) ?? (declared.values.has(name) ? [] : undefined);
    if (!shape) return null;
    const values = declared.values.get(name);
    return [[name, { shape, dataType: declared.dataTypes.get(name) ?? DataType.FLOAT, ...(values ? { values } : {}) }]];
  }
  const rule = SHAPE_RULES.get(node.opType ?? '');
  if (!rule) return null;
  const inferred = rule(node, (index) => {
    const name = node.input?.[index];
    return name ? known.get(name) : undefined;
  });
  if (!inferred) return null;
  const facts: [string, KnownTensor][] = [];
  for (const [index, name] of outputs.entries()) {
    if (!name) continue;
    const fact = inferred[index];
    if (!fact || !fact.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) return null;
    facts.push([name, fact]);
  }
  return facts;
}
