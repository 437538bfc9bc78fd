import { onnx } from '../proto/generated/onnx.js';
import { DataType } from '../proto/tensor.js';
import { GraphBuilder, type TensorFacts } from '../graph/builder.js';
import { InvalidModelError } from '../errors.js';
import { prepareModel, type ModelData, type PreparedModel } from '../model/prepare.js';
import { withFacts } from '../model/working-copy.js';
import { resolveInputsAndOutput, usedNames } from '../model/endpoints.js';
import { appendReversePass } from './reverse-pass.js';
import { depthFirstOrder } from '../graph/order.js';

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

/**
 * Builds a model of standard default-domain ONNX ops that, besides the original outputs, takes
 * `ig_seed` (the output's shape) and returns `ig_grad_<input>` = ∂(Σ ig_seed ⊙ output)/∂input
 * for each differentiated input. Static shapes come from the model and `options.facts`.
 */
export function buildGradientModel(source: ModelData | PreparedModel, options: GradientModelOptions = {}): GradientModel {
  const { model, opset, facts, unrolled } = withFacts(prepareModel(source, { deferUpgrade: true }), options.facts);
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
  if (unrolled > 0) graph.node = depthFirstOrder(graph.node);
  graph.initializer.push(...builder.initializers);
  graph.input.push(valueInfoLike(graph, SEED_INPUT, output, outputShape, facts));
  for (const input of inputs) {
    graph.output.push(valueInfoLike(graph, gradientNames.get(input) as string, input, builder.hasShape(input) ? builder.shape(input) : undefined, facts));
  }
  return { model, output, seed: SEED_INPUT, outputShape, gradients: gradientNames };
}
