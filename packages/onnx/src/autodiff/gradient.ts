import { onnx } from '../proto/generated/onnx.js';
import { DataType } from '../proto/tensor.js';
import { GraphBuilder, type TensorFacts } from '../graph/builder.js';
import { NodeView, UnsupportedForm } from './rules/rule.js';
import { ruleFor } from './rules/registry.js';
import { IGError } from '@ig/core';
import { InvalidModelError, UnsupportedOpError, type UnsupportedNode } from '../errors.js';
import { analyse } from './analysis.js';
import { prepareModel, resolveInputsAndOutput, usedNames } from '../model/prepare.js';

export const SEED_INPUT = 'ig_seed';
export const GRADIENT_PREFIX = 'ig_grad_';

export interface GradientModelOptions {
  /** Graph inputs to differentiate; default every float input. */
  readonly inputs?: readonly string[];
  /** The graph output whose seeded sum is differentiated; default the first output. */
  readonly output?: string;
  /** Shapes, types and values known from elsewhere (see `inferShapes`), overriding the model's. */
  readonly facts?: Partial<TensorFacts>;
}

export interface GradientModel {
  readonly model: onnx.ModelProto;
  /** The differentiated output. */
  readonly output: string;
  /** The seed input: same shape as the output. */
  readonly seed: string;
  /** The output's (and the seed's) static shape; undefined when only known at run time. */
  readonly outputShape: readonly number[] | undefined;
  /** Differentiated input name → gradient output name. */
  readonly gradients: ReadonlyMap<string, string>;
}

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
        failures.push({ opType: view.opType, domain: '', nodeName: view.name, opset: builder.opset, reason: `unsupported form: ${error.message}` });
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

function tensorValueInfo(name: string, elemType: number, shape: readonly number[] | undefined): onnx.ValueInfoProto {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType,
        ...(shape ? { shape: { dim: shape.map((d) => ({ dimValue: d })) } } : {}),
      },
    },
  });
}

/** A value info for `name` with the static shape if known, else the declared shape of `like`. */
function valueInfoLike(graph: onnx.GraphProto, name: string, like: string, shape: readonly number[] | undefined, facts: TensorFacts): onnx.ValueInfoProto {
  const elemType = facts.dataTypes.get(like) ?? DataType.FLOAT;
  if (shape) return tensorValueInfo(name, elemType, shape);
  const declared = [...graph.input, ...graph.output].find((v) => v.name === like)?.type?.tensorType?.shape;
  return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType, ...(declared ? { shape: declared } : {}) } } });
}

/** Every tensor name the graph uses, so generated names never collide. */
export function buildGradientModel(source: onnx.IModelProto | Uint8Array, options: GradientModelOptions = {}): GradientModel {
  const { model, opset, facts } = prepareModel(source, options.facts);
  const graph = model.graph as onnx.GraphProto;
  const { inputs, output } = resolveInputsAndOutput(graph, facts, options);
  const names = usedNames(graph);
  const gradientNames = new Map(inputs.map((input) => [input, `${GRADIENT_PREFIX}${input}`]));
  for (const name of [SEED_INPUT, ...gradientNames.values()]) {
    if (names.has(name)) throw new InvalidModelError(`the model already uses the name "${name}"`);
  }
  const builder = new GraphBuilder(opset, [...names, SEED_INPUT, ...gradientNames.values()], facts);
  const pass = appendReversePass(model, builder, inputs, output, SEED_INPUT, facts);
  const outputShape = builder.hasShape(output) ? builder.shape(output) : undefined;
  for (const [input, gradient] of pass.gradients) builder.alias(gradient, gradientNames.get(input) as string);
  graph.node.push(...builder.nodes);
  graph.initializer.push(...builder.initializers);
  graph.input.push(valueInfoLike(graph, SEED_INPUT, output, outputShape, facts));
  for (const input of inputs) {
    graph.output.push(valueInfoLike(graph, gradientNames.get(input) as string, input, builder.hasShape(input) ? builder.shape(input) : undefined, facts));
  }
  return { model, output, seed: SEED_INPUT, outputShape, gradients: gradientNames };
}
