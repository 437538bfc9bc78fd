import type { onnx } from '../proto/generated/onnx.js';
import { dataTypeName } from '../proto/tensor.js';
import { toModel } from './prepare.js';
import { dependentTensors, unusedInputs } from './input-use.js';
import { nodeReads } from '../graph/model.js';
import { MAX_OPSET, MIN_OPSET } from '../graph/model.js';
import { MIN_LEGACY_OPSET } from './upgrade.js';
import { nonDifferentiableOps, ruleFor } from '../autodiff/rules/registry.js';
import { RECURRENT_OPS } from './recurrent/spec.js';
import { compositeFor } from './composite/registry.js';
import { pairRuleOf } from '../contextual-decomposition/rule-lookup.js';

export interface TensorSummary {
  readonly name: string;
  readonly type: string;
  /** Dimensions; symbolic ones by name, unknown ones as null. */
  readonly shape: readonly (number | string | null)[] | null;
}

export interface ModelSummary {
  readonly irVersion: number;
  readonly producer: string;
  readonly opsets: Readonly<Record<string, number>>;
  /** The inputs to feed: neither initializers (weights listed as inputs, IR 3) nor read by no node. */
  readonly inputs: readonly TensorSummary[];
  /** Graph inputs that no node reads: dropped, never asked for. */
  readonly unusedInputs: readonly string[];
  readonly outputs: readonly TensorSummary[];
  readonly initializerCount: number;
  /** Op type (domain-qualified outside the default domain) → node count. */
  readonly ops: Readonly<Record<string, number>>;
  readonly gradientCoverage: {
    /** Whether the default-domain opset is one the gradient builder accepts (1–10 are rewritten to 11). */
    readonly opsetSupported: boolean;
    /** Op types with a gradient rule, or (LSTM, GRU, RNN) unrolled into ops with rules. */
    readonly differentiable: readonly string[];
    /** Op types that carry no gradient by nature (Shape, comparisons, …). */
    readonly nonDifferentiable: readonly string[];
    /** Op types without a rule: a model needs none of them on the path it differentiates. */
    readonly unsupported: readonly string[];
  };
  /** Op types of the nodes that depend on the input: those contextual decomposition carries, and those it does not. */
  readonly contextualDecompositionCoverage: {
    readonly supported: readonly string[];
    readonly unsupported: readonly string[];
  };
}

function summary(info: onnx.IValueInfoProto): TensorSummary {
  const tensorType = info.type?.tensorType;
  const dims = tensorType?.shape?.dim;
  return {
    name: info.name ?? '',
    type: tensorType?.elemType ? dataTypeName(tensorType.elemType).toLowerCase() : 'unknown',
    shape: dims ? dims.map((d) => (d.dimParam ? d.dimParam : d.dimValue !== null && d.dimValue !== undefined ? Number(d.dimValue) : null)) : null,
  };
}

/** The graph's inputs that are neither initializers nor unused (see unusedInputs), as declared. */
export function inputSummaries(graph: onnx.IGraphProto): TensorSummary[] {
  const skipped = new Set([...(graph.initializer ?? []).map((t) => t.name), ...unusedInputs(graph)]);
  return (graph.input ?? []).filter((v) => !skipped.has(v.name)).map(summary);
}

/** Upsample of opsets 7–10 is differentiated as the Resize it is rewritten to (see upgradeToOpset11). */
function upsampled(node: onnx.INodeProto, opset: number): boolean {
  return node.opType === 'Upsample' && !(node.domain && node.domain !== 'ai.onnx') && opset >= 7 && opset < MIN_OPSET;
}

/** Inputs, outputs, opsets, an op histogram and which ops have gradient rules. */
export function inspect(source: onnx.IModelProto | Uint8Array): ModelSummary {
  const model = toModel(source);
  const graph = model.graph as onnx.GraphProto;
  const opsets: Record<string, number> = {};
  for (const entry of model.opsetImport) opsets[entry.domain || 'ai.onnx'] = Number(entry.version);
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const ops: Record<string, number> = {};
  const differentiable = new Set<string>();
  const nonDifferentiable = new Set<string>();
  const unsupported = new Set<string>();
  for (const node of graph.node) {
    const opType = node.opType ?? '';
    const domain = node.domain && node.domain !== 'ai.onnx' ? node.domain : '';
    const key = domain ? `${domain}.${opType}` : opType;
    ops[key] = (ops[key] ?? 0) + 1;
    if (
      ruleFor(opType, domain) ||
      (!domain && RECURRENT_OPS.has(opType)) ||
      compositeFor(node, opsets['ai.onnx'] ?? 0) ||
      upsampled(node, opsets['ai.onnx'] ?? 0)
    )
      differentiable.add(key);
    else if (!domain && nonDifferentiableOps.has(opType)) nonDifferentiable.add(key);
    else unsupported.add(key);
  }
  const opset = opsets['ai.onnx'] ?? 0;
  // Op types of the nodes that depend on an input (nodes come in topological order in a valid model).
  const dependent = dependentTensors(
    graph.node,
    graph.input.flatMap((v) => (v.name && !initializers.has(v.name) ? [v.name] : [])),
  );
  const onPath = new Set<string>();
  for (const node of graph.node) {
    if (nodeReads(node).some((name) => dependent.has(name)))
      onPath.add(node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.opType ?? ''}` : (node.opType ?? ''));
  }
  const opTypes = [...onPath].sort();
  return {
    irVersion: Number(model.irVersion),
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    opsets,
    inputs: inputSummaries(graph),
    unusedInputs: unusedInputs(graph),
    outputs: graph.output.map(summary),
    initializerCount: graph.initializer.length,
    ops,
    gradientCoverage: {
      opsetSupported: opset >= MIN_LEGACY_OPSET && opset <= MAX_OPSET,
      differentiable: [...differentiable].sort(),
      nonDifferentiable: [...nonDifferentiable].sort(),
      unsupported: [...unsupported].sort(),
    },
    contextualDecompositionCoverage: {
      supported: opTypes.filter((op) => pairRuleOf(op)),
      unsupported: opTypes.filter((op) => !pairRuleOf(op)),
    },
  };
}
