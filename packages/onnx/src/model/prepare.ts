import type { onnx } from '../proto/generated/onnx.js';
import { DataType, isFloatType } from '../proto/tensor.js';
import { decodeModel, encodeModel } from '../proto/model-io.js';
import type { TensorFacts } from '../graph/builder.js';
import { defaultOpset, mergeFacts, modelFacts } from '../graph/model.js';
import { upgradeToOpset11 } from '../graph/upgrade.js';
import { explicitCeilModePools } from '../runtime/ceil-mode.js';
import { lowerToFloat32 } from '../graph/precision.js';
import { InvalidModelError } from '../errors.js';

export function toModel(model: onnx.IModelProto | Uint8Array): onnx.ModelProto {
  // Work on a copy so the caller's model is never changed.
  return decodeModel(model instanceof Uint8Array ? model : encodeModel(model));
}

/** A copy of the model at opset 11–21 (see upgradeToOpset11) and the shapes known, including those the rewrite adds. */
function upgraded(source: onnx.IModelProto | Uint8Array, extraShapes: ReadonlyMap<string, readonly number[]> | undefined): { model: onnx.ModelProto; shapes: Map<string, readonly number[]> } {
  const model = toModel(source);
  const shapes = new Map([...modelFacts(model.graph as onnx.GraphProto).shapes, ...(extraShapes ?? [])]);
  upgradeToOpset11(model, shapes);
  return { model, shapes };
}

/**
 * A copy of the model as it is differentiated: at opset 11–21 (legacy opsets 6–10 rewritten, see
 * upgradeToOpset11) and in float32 (see lowerToFloat32); its default-domain opset, and the facts
 * known about its tensors.
 */
export function prepareModel(
  source: onnx.IModelProto | Uint8Array,
  extra: Partial<TensorFacts> | undefined,
): { model: onnx.ModelProto; opset: number; facts: TensorFacts } {
  const { model, shapes } = upgraded(source, extra?.shapes);
  explicitCeilModePools(model, shapes, 'dropping');
  lowerToFloat32(model);
  const opset = defaultOpset(model);
  const facts = mergeFacts(modelFacts(model.graph as onnx.GraphProto), { ...extra, shapes });
  return { model, opset, facts };
}

/**
 * The model rewritten to opset 11 when it uses a legacy default-domain opset (6–10), so that
 * current runtimes, which lack many legacy kernels, can run it; otherwise an unchanged copy.
 */
export function upgradeModel(source: onnx.IModelProto | Uint8Array, shapes: ReadonlyMap<string, readonly number[]> = new Map()): onnx.ModelProto {
  return upgraded(source, shapes).model;
}

function floatInputs(graph: onnx.IGraphProto, facts: TensorFacts): string[] {
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  return (graph.input ?? [])
    .map((v) => v.name ?? '')
    .filter((name) => !initializers.has(name) && isFloatType(facts.dataTypes.get(name) ?? DataType.FLOAT));
}

export function usedNames(graph: onnx.IGraphProto): Set<string> {
  const names = new Set<string>();
  for (const v of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) if (v.name) names.add(v.name);
  for (const t of graph.initializer ?? []) if (t.name) names.add(t.name);
  for (const node of graph.node ?? []) {
    for (const n of [...(node.input ?? []), ...(node.output ?? [])]) if (n) names.add(n);
    if (node.name) names.add(node.name);
  }
  return names;
}

export function resolveInputsAndOutput(graph: onnx.IGraphProto, facts: TensorFacts, options: { inputs?: readonly string[]; output?: string }): { inputs: string[]; output: string } {
  const graphInputs = new Set((graph.input ?? []).map((v) => v.name ?? ''));
  const inputs = options.inputs ? [...options.inputs] : floatInputs(graph, facts);
  for (const input of inputs) {
    if (!graphInputs.has(input)) throw new InvalidModelError(`"${input}" is not an input of the graph (inputs: ${[...graphInputs].join(', ')})`);
  }
  if (inputs.length === 0) throw new InvalidModelError('the graph has no float input to differentiate; attribute integer inputs such as token ids at a float layer (layer attribution)');
  const outputs = (graph.output ?? []).map((v) => v.name ?? '');
  const output = options.output ?? outputs[0];
  if (!output || !outputs.includes(output)) throw new InvalidModelError(`output "${String(options.output)}" is not an output of the graph (outputs: ${outputs.join(', ')})`);
  return { inputs, output };
}

/**
 * Builds a model of standard default-domain ONNX ops that, besides the original outputs, takes
 * `ig_seed` (the output's shape) and returns `ig_grad_<input>` = ∂(Σ ig_seed ⊙ output)/∂input
 * for each differentiated input. Static shapes come from the model and `options.facts`.
 */
