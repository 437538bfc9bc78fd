import * as tf from '@tensorflow/tfjs-core';
import { integratedGradients, ShapeMismatchError } from '@ig/core';
import type { IntegratedGradientsOptions, PathReport, TargetSpec, Tensor } from '@ig/core';
import { forwardBackend } from './backend.js';
import { UnsupportedModelError } from './errors.js';
import type { LayersModelLike } from './model.js';
import { makeForward } from './model.js';

type LayerCall = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

/** The parts of a tfjs-layers `Layer` that layer attribution uses. */
export interface LayerLike {
  readonly name: string;
  readonly inboundNodes: readonly unknown[];
  call: LayerCall;
}

/** A LayersModel whose layers can be looked up by name. */
export interface LayeredModelLike extends LayersModelLike {
  getLayer(name: string): LayerLike;
}

/** Input-space baseline for each model input: a constant, or a tensor shaped like the inputs (or one example). */
export type InputBaseline = number | Tensor;

export interface LayerIntegratedGradientsOptions extends Omit<IntegratedGradientsOptions, 'baselines'> {
  /** In input space (e.g. padding token ids for an Embedding layer); default 0. One per model input or one for all. */
  readonly baselines?: InputBaseline | readonly InputBaseline[];
  /** For a model with several outputs: the index or name of the one to explain. */
  readonly output?: number | string;
}

export interface LayerIntegratedGradientsResult {
  /** Attribution to every unit of the layer's output: `[N, ...layerShape]` (or `[N, T, ...]` for several targets). */
  readonly attribution: Tensor;
  /** The layer's output at the inputs and at the baselines, `[N, ...layerShape]` each. */
  readonly layerInput: Tensor;
  readonly layerBaseline: Tensor;
  readonly reports: PathReport[];
}

/**
 * Integrated Gradients to a layer's output (Captum's LayerIntegratedGradients): the layer's
 * output moves on the straight line from its value at the baseline to its value at the input
 * while the rest of the model sees the real inputs; attributions are in the layer's output
 * space and sum to F(x) − F(x'). Works for layers whose input is not differentiable, such as
 * an Embedding fed with token ids (given as float values).
 */
export async function layerIntegratedGradients(
  model: LayeredModelLike,
  layerName: string,
  inputs: Tensor | readonly Tensor[],
  options: LayerIntegratedGradientsOptions = {},
): Promise<LayerIntegratedGradientsResult> {
  const layer = findLayer(model, layerName);
  const inputList: readonly Tensor[] = Array.isArray(inputs) ? inputs : [inputs as Tensor];
  const examples = checkBatch(inputList);
  const baselines = inputList.map((input, i) => expandBaseline(pickBaseline(options.baselines, i), input, i));
  const forward = makeForward(model, options.output);
  const { baselines: _ignored, output: _output, target, ...rest } = options;

  const attributions: Float32Array[] = [];
  const layerInputs: Float32Array[] = [];
  const layerBaselines: Float32Array[] = [];
  const reports: PathReport[] = [];
  let attributionShape: readonly number[] = [];
  let layerShape: readonly number[] = [];
  for (let n = 0; n < examples; n++) {
    const exampleInputs = inputList.map((input) => exampleOf(input, n));
    const exampleBaselines = inputList.map((input, i) => exampleOf({ data: baselines[i] as Float32Array, shape: input.shape }, n));
    const activations = captureLayerOutput(model, layer, exampleInputs, exampleBaselines);
    layerShape = activations.shape.slice(1);
    const size = activations.data.length / 2;
    const atInput = activations.data.slice(0, size);
    const atBaseline = activations.data.slice(size);
    const tail = forwardBackend(
      (points, count) => withLayerOutput(layer, points[0] as tf.Tensor, () => forward(tiled(exampleInputs, count), count)),
      `layer '${layerName}' of ${model.name}`,
    );
    try {
      const result = await integratedGradients(tail, { data: atInput, shape: [1, ...layerShape] }, {
        ...rest,
        baselines: { data: atBaseline, shape: [1, ...layerShape] },
        ...(target === undefined ? {} : { target: targetOfExample(target, n, examples) }),
      });
      const attribution = result.attributions[0] as Tensor;
      attributions.push(attribution.data);
      attributionShape = attribution.shape.slice(1);
      layerInputs.push(atInput);
      layerBaselines.push(atBaseline);
      for (const report of result.reports) reports.push({ ...report, example: n });
    } finally {
      await tail.dispose();
    }
  }
  return {
    attribution: { data: concat(attributions), shape: [examples, ...attributionShape] },
    layerInput: { data: concat(layerInputs), shape: [examples, ...layerShape] },
    layerBaseline: { data: concat(layerBaselines), shape: [examples, ...layerShape] },
    reports,
  };
}

function findLayer(model: LayeredModelLike, name: string): LayerLike {
  let layer: LayerLike;
  try {
    layer = model.getLayer(name);
  } catch {
    throw new UnsupportedModelError(`LayersModel '${model.name}' has no layer named '${name}'`);
  }
  if (layer.inboundNodes.length > 1) {
    throw new UnsupportedModelError(
      `layer '${name}' is called ${layer.inboundNodes.length} times in '${model.name}'; attribute to a layer used once`,
    );
  }
  return layer;
}

/** Runs the model on input and baseline together and returns the layer's output for both, `[2, ...layerShape]`. */
function captureLayerOutput(model: LayeredModelLike, layer: LayerLike, inputs: Tensor[], baselines: Tensor[]): Tensor {
  const original = layer.call;
  let captured: tf.Tensor | undefined;
  const recording: LayerCall = (callInputs, kwargs) => {
    const result = original.call(layer, callInputs, kwargs);
    if (Array.isArray(result)) {
      throw new UnsupportedModelError(`layer '${layer.name}' returns ${result.length} tensors; attribute to a layer with one output`);
    }
    // The model frees intermediate tensors when its forward pass ends; keep a copy.
    captured?.dispose();
    captured = tf.keep(tf.cast(result, 'float32'));
    return result;
  };
  try {
    tf.tidy(() => {
      const both = inputs.map((input, i) => tf.concat([toTensor(input), toTensor(baselines[i] as Tensor)], 0));
      withPatchedCall(layer, recording, () => {
        model.apply(both.length === 1 ? (both[0] as tf.Tensor) : both, { training: false });
      });
    });
    if (captured === undefined) {
      throw new UnsupportedModelError(`layer '${layer.name}' was not called by the model's forward pass`);
    }
    return { data: Float32Array.from(captured.dataSync()), shape: captured.shape };
  } finally {
    captured?.dispose();
  }
}

/** Runs `forward` with the layer's output replaced by `replacement`. */
function withLayerOutput<T>(layer: LayerLike, replacement: tf.Tensor, forward: () => T): T {
  return withPatchedCall(layer, () => replacement, forward);
}

/** Swaps the layer's `call` for the duration of `run` (the equivalent of a forward hook). */
function withPatchedCall<T>(layer: LayerLike, call: LayerCall, run: () => T): T {
  const hadOwn = Object.prototype.hasOwnProperty.call(layer, 'call');
  const original = layer.call;
  layer.call = call;
  try {
    return run();
  } finally {
    if (hadOwn) layer.call = original;
    else delete (layer as Partial<LayerLike>).call;
  }
}

function checkBatch(inputs: readonly Tensor[]): number {
  if (inputs.length === 0) throw new ShapeMismatchError('layerIntegratedGradients needs at least one input');
  const examples = (inputs[0] as Tensor).shape[0] ?? 0;
  inputs.forEach((input, i) => {
    if (input.shape.length === 0 || input.shape[0] !== examples) {
      throw new ShapeMismatchError(
        `input ${i} has shape [${input.shape.join(', ')}]; every input needs the same batch of ${examples} examples in dim 0`,
      );
    }
  });
  return examples;
}

function pickBaseline(spec: LayerIntegratedGradientsOptions['baselines'], index: number): InputBaseline {
  if (spec === undefined) return 0;
  if (Array.isArray(spec)) {
    const value = (spec as readonly InputBaseline[])[index];
    if (value === undefined) throw new ShapeMismatchError(`no baseline given for input ${index}`);
    return value;
  }
  return spec as InputBaseline;
}

function expandBaseline(baseline: InputBaseline, input: Tensor, index: number): Float32Array {
  if (typeof baseline === 'number') return new Float32Array(input.data.length).fill(baseline);
  if (baseline.data.length === input.data.length) return baseline.data;
  const exampleSize = input.data.length / Math.max(1, input.shape[0] ?? 1);
  if (baseline.data.length === exampleSize) {
    const out = new Float32Array(input.data.length);
    for (let offset = 0; offset < out.length; offset += exampleSize) out.set(baseline.data, offset);
    return out;
  }
  throw new ShapeMismatchError(
    `baseline of input ${index} has shape [${baseline.shape.join(', ')}]; expected the input's shape [${input.shape.join(', ')}] or one example of it`,
  );
}

function targetOfExample(target: TargetSpec, n: number, examples: number): TargetSpec {
  if (typeof target === 'number' || typeof target === 'string') return target;
  if (Array.isArray(target)) {
    const own: unknown = target[n];
    if (own === undefined) return target;
    return (Array.isArray(own) ? [own] : own) as TargetSpec;
  }
  if ('weights' in target && examples > 1 && target.weights.length % examples === 0) {
    const row = target.weights.length / examples;
    return { weights: Float32Array.from(target.weights).slice(n * row, (n + 1) * row) };
  }
  return target;
}

function exampleOf(input: Tensor, n: number): Tensor {
  const size = input.data.length / Math.max(1, input.shape[0] ?? 1);
  return { data: input.data.subarray(n * size, (n + 1) * size), shape: [1, ...input.shape.slice(1)] };
}

function toTensor(input: Tensor): tf.Tensor {
  return tf.tensor(input.data, [...input.shape], 'float32');
}

function tiled(inputs: readonly Tensor[], count: number): tf.Tensor[] {
  return inputs.map((input) => tf.tile(toTensor(input), [count, ...input.shape.slice(1).map(() => 1)]));
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
