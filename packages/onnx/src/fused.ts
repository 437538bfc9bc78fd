import { onnx } from './proto/generated/onnx.js';
import { DataType } from './proto/tensor.js';
import { GraphBuilder, type TensorFacts } from './graph/builder.js';
import { appendReversePass } from './gradient.js';
import { prepareModel, resolveInputsAndOutput, usedNames } from './prepare.js';
import { InvalidModelError } from './errors.js';

export interface FusedModelOptions {
  readonly output?: string;
  /** Number of path points per run (the length of `ig_alphas`). */
  readonly steps: number;
  /** Facts of the forward model run on a batch of `steps` points (see inferShapes). */
  readonly facts?: Partial<TensorFacts>;
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
 * point, and returns Σₖ wₖ·∂objective/∂x per input. Every graph input is differentiated.
 */
export function buildFusedModel(source: onnx.IModelProto | Uint8Array, options: FusedModelOptions): FusedModel {
  const { model, opset, facts } = prepareModel(source, options.facts);
  const graph = model.graph as onnx.GraphProto;
  const { inputs, output } = resolveInputsAndOutput(graph, facts, { output: options.output });
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const graphInputs = graph.input.filter((v) => !initializers.has(v.name));
  if (graphInputs.length !== inputs.length) {
    throw new InvalidModelError('the fused path graph needs every graph input to be a float tensor it can interpolate');
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
  for (const name of inputs) {
    const pointShape = builder.shape(name).slice(1);
    const entry = { input: fixed(`input_${name}`), baseline: fixed(`baseline_${name}`), gradientSum: fixed(`gradient_sum_${name}`) };
    exampleInputs.set(name, entry);
    newInputs.push(valueInfo(entry.input, [1, ...pointShape]), valueInfo(entry.baseline, [1, ...pointShape]));
    const alphaColumn = builder.reshape(alphas, [steps, ...pointShape.map(() => 1)]);
    const points = builder.add(entry.baseline, builder.mul(alphaColumn, builder.sub(entry.input, entry.baseline)));
    builder.alias(points, name);
  }
  const prefixCount = builder.nodes.length;
  const outputPoint = builder.shape(output).slice(1);
  const seedPerPoint = builder.expand(seed, [steps, ...outputPoint]);
  const pass = appendReversePass(model, builder, inputs, output, seedPerPoint, facts);
  for (const name of inputs) {
    const gradient = pass.gradients.get(name) as string;
    const pointShape = builder.shape(name).slice(1);
    const weightColumn = builder.reshape(weights, [steps, ...pointShape.map(() => 1)]);
    builder.alias(builder.reduceSum(builder.mul(gradient, weightColumn), [0], true), (exampleInputs.get(name) as { gradientSum: string }).gradientSum);
  }
  const original = [...graph.node];
  graph.node = [...builder.nodes.slice(0, prefixCount), ...original, ...builder.nodes.slice(prefixCount)];
  graph.initializer.push(...builder.initializers);
  graph.input = [
    ...graph.input.filter((v) => initializers.has(v.name)),
    ...newInputs,
    valueInfo(alphas, [steps]),
    valueInfo(weights, [steps]),
    valueInfo(seed, [1, ...outputPoint]),
  ];
  graph.output = inputs.map((name) => valueInfo((exampleInputs.get(name) as { gradientSum: string }).gradientSum, [1, ...builder.shape(name).slice(1)]));
  return { model, inputs, exampleInputs, alphas, weights, seed, seedShape: [1, ...outputPoint] };
}
