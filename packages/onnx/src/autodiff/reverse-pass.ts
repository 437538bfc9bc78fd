import type { onnx } from '../proto/generated/onnx.js';
import { IGError } from '@ig/core';
import type { GraphBuilder, TensorFacts } from '../graph/builder.js';
import { NodeView, UnsupportedForm } from './rules/rule.js';
import { ruleFor } from './rules/registry.js';
import { InvalidModelError, UnsupportedOpError, type UnsupportedNode } from '../errors.js';
import { analyse } from './analysis.js';

export interface ReversePass {
  /** Differentiated input → name of its gradient tensor. */
  readonly gradients: Map<string, string>;
}

/**
 * Appends the reverse pass to `builder`: the gradient of Σ seed ⊙ output with respect to each
 * input. Throws UnsupportedOpError listing every node without a usable rule.
 */
export function appendReversePass(
  model: onnx.IModelProto,
  builder: GraphBuilder,
  inputs: readonly string[],
  output: string,
  seed: string,
  facts: TensorFacts,
): ReversePass {
  const analysis = analyse(model, builder.opset, inputs, output, facts);
  if (analysis.unsupported.length > 0) throw new UnsupportedOpError(analysis.unsupported);
  const contributions = new Map<string, string[]>([[output, [seed]]]);
  const take = (name: string): string | null => {
    const terms = contributions.get(name);
    return terms && terms.length > 0 ? builder.sum(terms) : null;
  };
  const failures: UnsupportedNode[] = [];
  for (let i = analysis.order.length - 1; i >= 0; i--) {
    const node = analysis.order[i] as onnx.INodeProto;
    const needs = analysis.onPath.get(node);
    if (!needs || needs.size === 0) continue;
    const grads = (node.output ?? []).map((o) => (o ? take(o) : null));
    if (grads.every((g) => g === null)) continue;
    const view = new NodeView(node, builder.opset, needs);
    const rule = ruleFor(view.opType, '');
    if (!rule) continue;
    let inputGrads: readonly (string | null)[];
    try {
      inputGrads = rule.gradient(view, grads, builder);
    } catch (error) {
      if (error instanceof UnsupportedForm) {
        failures.push({
          opType: view.opType,
          domain: '',
          nodeName: view.name,
          output: node.output?.[0] ?? '',
          opset: builder.opset,
          reason: `unsupported form: ${error.message}`,
        });
        continue;
      }
      if (error instanceof IGError) throw error;
      // A rule meeting values no valid model has (a kernel of 2^31, a NaN attribute).
      throw new InvalidModelError(`${view.opType} node "${view.name}": cannot differentiate: ${error instanceof Error ? error.message : String(error)}`);
    }
    for (const index of needs) {
      const g = inputGrads[index];
      if (!g) continue;
      const name = node.input?.[index] as string;
      const list = contributions.get(name) ?? [];
      list.push(g);
      contributions.set(name, list);
    }
  }
  if (failures.length > 0) throw new UnsupportedOpError(failures);
  const gradients = new Map<string, string>();
  for (const input of inputs) gradients.set(input, take(input) ?? builder.zeros(builder.shape(input)));
  return { gradients };
}
