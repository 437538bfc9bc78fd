import { onnx } from '../proto/generated/onnx.js';
import { DataType } from '../proto/tensor.js';
import { GraphBuilder, type TensorFacts } from '../graph/builder.js';
import { appendReversePass } from './reverse-pass.js';
import { foldablePrefix } from './fused-prefix.js';
import { prepareModel, type ModelData, type PreparedModel } from '../model/prepare.js';
import { withFacts } from '../model/working-copy.js';
import { depthFirstOrder } from '../graph/order.js';
import { resolveInputsAndOutput, usedNames } from '../model/endpoints.js';
import { InvalidModelError } from '../errors.js';

export interface FusedModelOptions {
  readonly output?: string;
  /** Number of path points per run (the length of `ig_alphas`). */
  readonly steps: number;
  /** Facts of the forward model run on a batch of `steps` points (see inferShapes). */
  readonly facts?: Partial<TensorFacts>;
  /**
   * Apply the input gradient of an affine stem (the first convolution or dense layer, batch
   * normalization, scaling by constants, a transpose from NHWC) once per run, to the weighted gradient sum at the stem's output, instead
   * of once per point; default true. Results agree to float rounding (the sum is taken earlier).
   */
  readonly foldAffinePrefix?: boolean;
  /**
   * Graph inputs held fixed (an attention mask, token type ids): each becomes a `[1, …]` input,
   * broadcast to every point of the run. Every other graph input is differentiated.
   */
  readonly context?: readonly FusedContextInput[];
}

export interface FusedContextInput {
  readonly name: string;
  /** The rank of the input, batch axis included. */
  readonly rank: number;
}

export interface FusedModel {
  readonly model: onnx.ModelProto;
  readonly inputs: readonly string[];
  /** Per model input: the `[1, …point]` example and baseline inputs. */
  readonly exampleInputs: ReadonlyMap<string, { readonly input: string; readonly baseline: string; readonly gradientSum: string }>;
  readonly alphas: string;
  readonly weights: string;
  /** `[1, …output point shape]` objective weights. */
  readonly seed: string;
  readonly seedShape: readonly number[];
  /** Per context input (see FusedModelOptions.context): the `[1, …]` input that feeds it. */
  readonly contextInputs: ReadonlyMap<string, string>;
  /** Names of the nodes whose input gradient is applied once per run (see FusedModelOptions.foldAffinePrefix); empty when none. */
  readonly affinePrefix: readonly string[];
}

function valueInfo(name: string, shape: readonly number[]): onnx.ValueInfoProto {
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: shape.map((d) => ({ dimValue: d })) } } },
  });
}

/**
 * A model that runs a whole segment of the straight-line path in one call: it forms the points
 * baseline + αₖ·(input − baseline) for k < steps, differentiates the seeded output at every
 * point, and returns Σₖ wₖ·∂objective/∂x per input. Every graph input is differentiated or held
 * fixed as context.
 */
export function buildFusedModel(source: ModelData | PreparedModel, options: FusedModelOptions): FusedModel {
  const { model, opset, facts, unrolled } = withFacts(prepareModel(source, { deferUpgrade: true }), options.facts);
  const graph = model.graph as onnx.GraphProto;
  const context = options.context ?? [];
  const heldFixed = new Set(context.map((c) => c.name));
  const { inputs, output } = resolveInputsAndOutput(graph, facts, { output: options.output, heldFixed: [...heldFixed] });
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const graphInputs = graph.input.filter((v) => !initializers.has(v.name));
  const unfed = graphInputs.filter((v) => !inputs.includes(v.name ?? '') && !heldFixed.has(v.name ?? ''));
  if (unfed.length > 0) {
    throw new InvalidModelError(`the fused path graph needs every graph input differentiated or given as context; not: ${unfed.map((v) => v.name).join(', ')}`);
  }
  const steps = options.steps;
  const names = usedNames(graph);
  const builder = new GraphBuilder(opset, names, facts, 'ig_path');
  const fixed = (hint: string): string => {
    let name = `ig_${hint}`;
    for (let k = 1; names.has(name); k++) name = `ig_${hint}_${k}`;
    names.add(name);
    builder.reserve(name);
    return name;
  };
  const alphas = fixed('alphas');
  const weights = fixed('weights');
  const seed = fixed('seed');
  const exampleInputs = new Map<string, { input: string; baseline: string; gradientSum: string }>();
  const newInputs: onnx.ValueInfoProto[] = [];
  const folded =
    options.foldAffinePrefix === false || inputs.length !== 1 ? null : foldablePrefix(graph, inputs[0] as string, facts, steps, opset, names, fixed);
  // Where the reverse pass stops: each input, or the cut of its folded prefix.
  const pathStarts = inputs.map((name) => (folded?.prefix.input === name ? folded.prefix.cut : name));
  for (const name of inputs) {
    const pointShape = builder.shape(name).slice(1);
    const entry = { input: fixed(`input_${name}`), baseline: fixed(`baseline_${name}`), gradientSum: fixed(`gradient_sum_${name}`) };
    exampleInputs.set(name, entry);
    newInputs.push(valueInfo(entry.input, [1, ...pointShape]), valueInfo(entry.baseline, [1, ...pointShape]));
    const alphaColumn = builder.reshape(alphas, [steps, ...pointShape.map(() => 1)]);
    const points = builder.add(entry.baseline, builder.mul(alphaColumn, builder.sub(entry.input, entry.baseline)));
    builder.alias(points, name);
  }
  const contextInputs = new Map<string, string>();
  for (const { name, rank } of context) {
    const declared = graphInputs.find((v) => v.name === name) as onnx.ValueInfoProto;
    const single = fixed(`context_${name}`);
    contextInputs.set(name, single);
    newInputs.push(singleExample(declared, single, rank));
    const everyPoint = builder.op('Expand', [single, builder.int64Constant([steps, ...new Array<number>(rank - 1).fill(1)])]);
    builder.alias(everyPoint, name);
  }
  const prefixCount = builder.nodes.length;
  const outputPoint = builder.shape(output).slice(1);
  // Gradients are linear in the seed: weighting it per point weights every gradient, so the
  // path sum is a plain ReduceSum wherever the reverse pass stops.
  const seedPerPoint = builder.mul(builder.reshape(weights, [steps, ...outputPoint.map(() => 1)]), seed);
  builder.setShape(seedPerPoint, [steps, ...outputPoint]);
  const pass = appendReversePass(model, builder, pathStarts, output, seedPerPoint, facts);
  const epilogue: onnx.NodeProto[] = [];
  inputs.forEach((name, i) => {
    const start = pathStarts[i] as string;
    const gradient = pass.gradients.get(start) as string;
    const sum = builder.reduceSum(gradient, [0], true);
    const target = (exampleInputs.get(name) as { gradientSum: string }).gradientSum;
    if (folded?.prefix.input !== name) {
      builder.alias(sum, target);
      return;
    }
    builder.alias(sum, folded.seed);
    epilogue.push(
      ...folded.adjoint.nodes,
      onnx.NodeProto.create({ opType: 'Identity', name: builder.fresh('Identity_node'), input: [folded.adjoint.gradient], output: [target] }),
    );
    graph.initializer.push(...folded.adjoint.initializers);
  });
  const original = [...graph.node];
  graph.node = [...builder.nodes.slice(0, prefixCount), ...original, ...builder.nodes.slice(prefixCount), ...epilogue];
  if (unrolled > 0) graph.node = depthFirstOrder(graph.node);
  graph.initializer.push(...builder.initializers);
  graph.input = [
    ...graph.input.filter((v) => initializers.has(v.name)),
    ...newInputs,
    valueInfo(alphas, [steps]),
    valueInfo(weights, [steps]),
    valueInfo(seed, [1, ...outputPoint]),
  ];
  graph.output = inputs.map((name) => valueInfo((exampleInputs.get(name) as { gradientSum: string }).gradientSum, [1, ...builder.shape(name).slice(1)]));
  const affinePrefix = folded ? folded.prefix.nodes.map((node) => node.name ?? '') : [];
  return { model, inputs, exampleInputs, contextInputs, alphas, weights, seed, seedShape: [1, ...outputPoint], affinePrefix };
}

/** `declared`, renamed, with a batch axis of 1 and its other axes as declared (or left open). */
function singleExample(declared: onnx.ValueInfoProto, name: string, rank: number): onnx.ValueInfoProto {
  const dims = declared.type?.tensorType?.shape?.dim ?? [];
  const shape = Array.from({ length: rank }, (_, axis) => (axis === 0 ? { dimValue: 1 } : (dims[axis] ?? {})));
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType: declared.type?.tensorType?.elemType ?? DataType.FLOAT, shape: { dim: shape } } },
  });
}
