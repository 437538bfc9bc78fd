import type { onnx } from '../proto/generated/onnx.js';
import { dataTypeName, isFloatType } from '../proto/tensor.js';
import type { TensorFacts } from '../graph/builder.js';
import { domainOpset, nodeReads, topologicalOrder } from '../graph/model.js';
import { isDefaultDomain } from '../graph/names.js';
import { subgraphInputs } from '../graph/attributes.js';
import { nonDifferentiableOps, ruleFor } from './rules/registry.js';
import { UnsupportedOpError, type UnsupportedNode } from '../errors.js';
import { prepareModel, type ModelData, type PreparedModel } from '../model/prepare.js';
import { resolveInputsAndOutput } from '../model/endpoints.js';
import { isRecurrentNode, recurrentRefusal } from '../model/recurrent/spec.js';
import { compositeFor, qualifiedOpType } from '../model/composite/registry.js';
import { loweringRefusal } from '../model/composite/refused-forms.js';
import { isControlFlowNode, staticNames } from '../model/control-flow/static-names.js';
import { controlFlowRefusal } from '../model/control-flow/static-refusal.js';
import { missingRuleReason } from './missing-rule.js';
import { QUANTIZED_OUTPUTS, QUANTIZED_ROUTES } from './rules/quantization.js';

export interface Analysis {
  readonly order: readonly onnx.INodeProto[];
  /** Nodes the reverse pass visits, with the input indices it differentiates. */
  readonly onPath: ReadonlyMap<onnx.INodeProto, ReadonlySet<number>>;
  readonly unsupported: UnsupportedNode[];
}

/** Which nodes lie on a path from a differentiated input to the output, and which lack rules. */
export function analyse(model: onnx.IModelProto, opset: number, inputs: readonly string[], output: string, facts: TensorFacts): Analysis {
  const graph = model.graph as onnx.IGraphProto;
  const order = topologicalOrder(graph);
  const active = new Set(inputs);
  for (const node of order) {
    if (!nodeReads(node).some((n) => active.has(n))) continue;
    if (isDefaultDomain(node.domain) && nonDifferentiableOps.has(node.opType ?? '')) continue;
    if (isDefaultDomain(node.domain) && node.opType === 'Cast') {
      const to = Number((node.attribute ?? []).find((a) => a.name === 'to')?.i ?? 0);
      if (!isFloatType(to)) continue;
    }
    const quantized = QUANTIZED_OUTPUTS.get(qualifiedOpType(node.opType ?? '', node.domain));
    // A route (Reshape, MaxPool…) of a quantized tensor passes its gradient on in its integer outputs.
    // (An integer tensor is on the path only when it is quantized: the data input decides.)
    const route = isDefaultDomain(node.domain) && QUANTIZED_ROUTES.has(node.opType ?? '') && active.has(node.input?.[0] ?? '');
    (node.output ?? []).forEach((out, index) => {
      const type = facts.dataTypes.get(out);
      const float = type === undefined || isFloatType(type);
      // A quantizing op's integer output carries the gradient; its zero point (integer) does not.
      const carries = quantized === undefined ? float || route : index === quantized || (type !== undefined && isFloatType(type));
      if (out && carries) active.add(out);
    });
  }
  const needed = new Set([output]);
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i] as onnx.INodeProto;
    if ((node.output ?? []).some((o) => needed.has(o))) for (const name of nodeReads(node)) needed.add(name);
  }
  const onPath = new Map<onnx.INodeProto, Set<number>>();
  const unsupported: UnsupportedNode[] = [];
  let fixed: Set<string> | undefined;
  for (const node of order) {
    if (!(node.output ?? []).some((o) => needed.has(o) && active.has(o))) continue;
    const opType = node.opType ?? '';
    const domain = isDefaultDomain(node.domain) ? '' : (node.domain as string);
    const report = (reason: string): void => {
      unsupported.push({ opType, domain, nodeName: node.name ?? '', output: node.output?.[0] ?? '', opset: domainOpset(model, domain), reason });
    };
    if (isRecurrentNode(node)) {
      // Unrolled into ops with rules once its sequence length is known (see lowerRecurrentNodes).
      const refusal = recurrentRefusal(node);
      if (refusal) report(refusal);
      onPath.set(node, new Set((node.input ?? []).flatMap((name, index) => (name && active.has(name) ? [index] : []))));
      continue;
    }
    if (isControlFlowNode(node)) {
      // Inlined into the nodes it runs once its condition and trip count are known (see inlineControlFlow).
      fixed ??= staticNames(graph);
      const refusal = controlFlowRefusal(node, fixed, facts);
      if (refusal) report(refusal);
      onPath.set(node, new Set((node.input ?? []).flatMap((name, index) => (name && active.has(name) ? [index] : []))));
      continue;
    }
    const composite = compositeFor(node, opset);
    if (composite) {
      // Lowered into standard ops with rules once its input shapes are known (see lowerCompositeNodes).
      const refusal = composite.refusal(node, opset) ?? loweringRefusal(node);
      if (refusal) report(refusal);
      onPath.set(node, differentiated(node, composite.differentiable, active, report));
      continue;
    }
    const rule = ruleFor(opType, domain);
    if (!rule) {
      report(missingRuleReason(domain));
      continue;
    }
    if (opset < rule.since) report(`the rule needs opset ${rule.since} or later`);
    const needs = differentiated(node, rule.differentiable, active, report);
    if (subgraphInputs(node).some((name) => active.has(name))) report('a subgraph reads a differentiated tensor');
    onPath.set(node, needs);
  }
  if (!active.has(output) && unsupported.length === 0) unsupported.push(...integerCuts(model, order, inputs, output, active, facts));
  return { order, onPath, unsupported };
}

/** The inputs of a node that depend on differentiated inputs; those outside `differentiable` are reported. */
function differentiated(
  node: onnx.INodeProto,
  differentiable: 'all' | readonly number[],
  active: ReadonlySet<string>,
  report: (reason: string) => void,
): Set<number> {
  const needs = new Set<number>();
  (node.input ?? []).forEach((name, index) => {
    if (!name || !active.has(name)) return;
    if (differentiable === 'all' || differentiable.includes(index)) needs.add(index);
    else report(`input ${index} ("${name}") depends on a differentiated input, and its gradient is not supported`);
  });
  return needs;
}

/**
 * When the output depends on the inputs only through integer tensors (a quantized activation, an
 * ArgMax), its gradient is zero wherever it exists: the nodes where the dependence leaves float
 * tensors are reported instead of a gradient graph of zeros.
 */
function integerCuts(
  model: onnx.IModelProto,
  order: readonly onnx.INodeProto[],
  inputs: readonly string[],
  output: string,
  active: ReadonlySet<string>,
  facts: TensorFacts,
): UnsupportedNode[] {
  const reached = new Set(inputs);
  const cuts: onnx.INodeProto[] = [];
  for (const node of order) {
    if (!nodeReads(node).some((n) => reached.has(n))) continue;
    for (const out of node.output ?? []) if (out) reached.add(out);
    if (nodeReads(node).some((n) => active.has(n)) && !(node.output ?? []).some((o) => active.has(o))) cuts.push(node);
  }
  if (!reached.has(output)) return [];
  return cuts.map((node) => {
    const domain = isDefaultDomain(node.domain) ? '' : (node.domain as string);
    const written = (node.output ?? []).filter(Boolean).map((o) => {
      const type = facts.dataTypes.get(o);
      return type === undefined ? `"${o}"` : `"${o}" (${dataTypeName(type)})`;
    });
    return {
      opType: node.opType ?? '',
      domain,
      nodeName: node.name ?? '',
      output: node.output?.[0] ?? '',
      opset: domainOpset(model, domain),
      reason: (node.output ?? []).every((o) => !o || isFloatType(facts.dataTypes.get(o) ?? 0))
        ? `its output (${written.join(', ')}) moves in steps or draws (rounding, a sign, a one-hot, a random sample), not smoothly with its input, so its gradient is zero wherever it exists, and no other path reaches the output "${output}": the gradient would be zero`
        : `it writes no float tensor (${written.join(', ')}), and no float path reaches the output "${output}": its gradient would be zero`,
    };
  });
}

const supportAnalyses = new WeakMap<PreparedModel, Map<string, Analysis>>();

/**
 * The analysis of the prepared model with the facts it states, for `inputs` and `output`:
 * computed once per model, inputs and output, shared by the backend and checkGradientSupport.
 */
export function supportAnalysis(prepared: PreparedModel, inputs: readonly string[], output: string): Analysis {
  const analyses = supportAnalyses.get(prepared) ?? new Map<string, Analysis>();
  supportAnalyses.set(prepared, analyses);
  const key = JSON.stringify([inputs, output]);
  let analysis = analyses.get(key);
  if (!analysis) {
    analysis = analyse(prepared.model, prepared.opset, inputs, output, prepared.facts);
    analyses.set(key, analysis);
  }
  return analysis;
}

/**
 * Throws UnsupportedOpError when a node between the differentiated inputs and the output has
 * no gradient rule. Needs no shapes and runs nothing, so callers can fail before any session.
 * A legacy model whose rewrite needs probed shapes is checked at its own opset.
 */
export function checkGradientSupport(source: ModelData | PreparedModel, options: { readonly inputs?: readonly string[]; readonly output?: string } = {}): void {
  const prepared = prepareModel(source, { deferUpgrade: true });
  const { inputs, output } = resolveInputsAndOutput(prepared.model.graph as onnx.GraphProto, prepared.facts, options);
  const analysis = supportAnalysis(prepared, inputs, output);
  if (analysis.unsupported.length > 0) throw new UnsupportedOpError(analysis.unsupported);
}
