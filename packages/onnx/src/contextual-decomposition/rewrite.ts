import { IGError } from '@ig/core';
import { onnx } from '../proto/generated/onnx.js';
import { GraphBuilder } from '../graph/builder.js';
import { domainOpset, topologicalOrder } from '../graph/model.js';
import { isDefaultDomain } from '../graph/names.js';
import { InvalidModelError, type UnsupportedNode } from '../errors.js';
import { UnsupportedDecompositionError } from './errors.js';
import { prepareModel } from '../model/prepare.js';
import { usedNames } from '../model/endpoints.js';
import { UnsupportedForm } from '../autodiff/rules/rule.js';
import { isPair, type Carried, type DeclaredDims } from './pair.js';
import { pairRuleFor } from './rule-lookup.js';
import { inferredDims } from './inferred-dims.js';

export interface ContextualDecompositionModelOptions {
  /** The graph output to decompose; default the first. */
  readonly output?: string;
  /**
   * The graph input to decompose; required when the model has several. The other inputs (an
   * attention mask, token ids) stay inputs of the rewritten graph, held fixed as context: a node
   * that reads only them is kept as it is, and a Mul or Div by one of them is a Mul or Div by a
   * constant.
   */
  readonly input?: string;
}

/** A model that takes the two parts of the input and returns the two parts of the output. */
export interface ContextualDecompositionModel {
  readonly model: onnx.ModelProto;
  /** The original input's name; the graph takes `relevant` and `irrelevant` in its place. */
  readonly input: string;
  /** The other inputs, which the rewritten graph still takes (context held fixed). */
  readonly context: readonly string[];
  readonly inputs: { readonly relevant: string; readonly irrelevant: string };
  readonly output: string;
  readonly outputs: { readonly relevant: string; readonly irrelevant: string };
}

/** The dimensions of every tensor with a value info, input or output (see DeclaredDims). */
function declaredDims(model: onnx.ModelProto): DeclaredDims {
  const graph = model.graph as onnx.GraphProto;
  // What static inference fixes fills the dimensions the model does not declare.
  const dims = inferredDims(model);
  for (const info of [...graph.input, ...graph.output, ...graph.valueInfo]) {
    const shape = info.type?.tensorType?.shape?.dim;
    if (!info.name || !shape) continue;
    const inferred = dims.get(info.name);
    dims.set(
      info.name,
      shape.map((d, i) =>
        !d.dimParam && d.dimValue !== null && d.dimValue !== undefined && Number(d.dimValue) > 0
          ? Number(d.dimValue)
          : inferred?.length === shape.length
            ? inferred[i]
            : undefined,
      ),
    );
  }
  return (name) => dims.get(name);
}

/** Why an onnxruntime contrib op without a rule (Attention, EmbedLayerNormalization…) stops a decomposition, and the way out. */
const FUSED_BY_ONNXRUNTIME =
  "no contextual-decomposition rule: onnxruntime's graph optimizer or a model exporter writes this op; the model saved with graphOptimizationLevel 'basic', or as exported, may hold the standard ops it fuses";

/**
 * Rewrites a model for contextual decomposition (Murdoch et al. 2018; the rules of the `acd`
 * package): every tensor that depends on the input becomes a pair (relevant, irrelevant) whose
 * sum is the original tensor, so the output's two parts add up to the model's output. Standard
 * default-domain ops, and the contrib ops onnxruntime's graph optimizer writes, decomposed as the
 * standard ops they fuse; nodes that do not depend on the input are kept as they are. Throws
 * UnsupportedDecompositionError naming every node on the input's path without a rule.
 */
export function buildContextualDecompositionModel(
  source: onnx.IModelProto | Uint8Array,
  options: ContextualDecompositionModelOptions = {},
): ContextualDecompositionModel {
  const { model, opset, facts } = prepareModel(source, undefined);
  const graph = model.graph as onnx.GraphProto;
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const inputs = graph.input.filter((v) => !initializers.has(v.name));
  const list = inputs.map((v) => v.name).join(', ');
  if (options.input === undefined && inputs.length !== 1)
    throw new InvalidModelError(`the model has ${inputs.length} inputs (${list}); name the one to decompose (the others are held fixed)`);
  const inputInfo = (options.input === undefined ? inputs[0] : inputs.find((v) => v.name === options.input)) as onnx.ValueInfoProto | undefined;
  if (!inputInfo) throw new InvalidModelError(`"${options.input ?? ''}" is not an input of the graph (inputs: ${list})`);
  const contextInputs = inputs.filter((v) => v !== inputInfo);
  const outputName = options.output ?? graph.output[0]?.name ?? '';
  if (!graph.output.some((o) => o.name === outputName))
    throw new InvalidModelError(`"${outputName}" is not an output of the graph (outputs: ${graph.output.map((o) => o.name).join(', ')})`);
  const names = usedNames(graph);
  const relevant = `${inputInfo.name}.relevant`;
  const irrelevant = `${inputInfo.name}.irrelevant`;
  const outputs = { relevant: `${outputName}.relevant`, irrelevant: `${outputName}.irrelevant` };
  for (const name of [relevant, irrelevant, outputs.relevant, outputs.irrelevant]) {
    if (names.has(name)) throw new InvalidModelError(`the model already uses the name "${name}"`);
  }
  const builder = new GraphBuilder(opset, [...names, relevant, irrelevant, outputs.relevant, outputs.irrelevant], facts, 'ig_cd');
  const carried = new Map<string, Carried>([[inputInfo.name, { rel: relevant, irrel: irrelevant }]]);
  const declared = declaredDims(model);
  const failures: UnsupportedNode[] = [];
  for (const node of topologicalOrder(graph)) {
    const reads: Carried[] = (node.input ?? []).map((name) => carried.get(name) ?? name);
    if (!reads.some(isPair)) {
      builder.nodes.push(onnx.NodeProto.create(node));
      continue;
    }
    const opType = node.opType ?? '';
    const rule = pairRuleFor(opType, node.domain);
    const fail = (reason: string): void => {
      const domain = isDefaultDomain(node.domain) ? '' : (node.domain as string);
      failures.push({ opType, domain, nodeName: node.name ?? '', output: node.output?.[0] ?? '', opset: domainOpset(model, domain), reason });
    };
    // Outputs of a node that cannot be decomposed stay marked, so that every later node on the path is reported too.
    const taint = (): void => {
      for (const name of node.output ?? []) if (name) carried.set(name, { rel: name, irrel: name });
    };
    if (!rule) {
      fail(node.domain === 'com.microsoft' ? FUSED_BY_ONNXRUNTIME : 'no contextual-decomposition rule');
      taint();
      continue;
    }
    let results: Carried[];
    try {
      results = rule(node, reads, builder, declared);
    } catch (error) {
      if (error instanceof UnsupportedForm) {
        fail(`unsupported form: ${error.message}`);
        taint();
        continue;
      }
      if (error instanceof IGError) throw error;
      throw new InvalidModelError(`${opType} node "${node.name ?? ''}": cannot decompose: ${error instanceof Error ? error.message : String(error)}`);
    }
    results.forEach((result, k) => {
      const name = node.output?.[k];
      if (!name) return;
      if (isPair(result)) carried.set(name, result);
      else builder.alias(result, name);
    });
  }
  if (failures.length > 0) throw new UnsupportedDecompositionError(failures);
  const out = carried.get(outputName);
  if (!isPair(out)) throw new InvalidModelError(`output "${outputName}" does not depend on the input "${inputInfo.name}"`);
  builder.alias(out.rel, outputs.relevant);
  builder.alias(out.irrel, outputs.irrelevant);
  const outputInfo = graph.output.find((o) => o.name === outputName) as onnx.ValueInfoProto;
  graph.node = builder.nodes;
  graph.initializer.push(...builder.initializers);
  graph.input = [
    onnx.ValueInfoProto.create({ ...inputInfo, name: relevant }),
    onnx.ValueInfoProto.create({ ...inputInfo, name: irrelevant }),
    ...contextInputs,
    ...graph.input.filter((v) => initializers.has(v.name)),
  ];
  graph.output = [
    onnx.ValueInfoProto.create({ ...outputInfo, name: outputs.relevant }),
    onnx.ValueInfoProto.create({ ...outputInfo, name: outputs.irrelevant }),
  ];
  graph.valueInfo = [];
  return { model, input: inputInfo.name, context: contextInputs.map((v) => v.name ?? ''), inputs: { relevant, irrelevant }, output: outputName, outputs };
}
