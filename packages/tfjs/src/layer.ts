import * as tf from '@tensorflow/tfjs-core';
import { layerIntegratedGradients as layerAttribution, tensorExample, tensorExamples } from '@ig/core';
import type { InputBaseline, Inputs, IntegratedGradientsOptions, LayerAttributionResult, LayerHead, LayerSplit, Tensor } from '@ig/core';
import { forwardBackend } from './backend.js';
import { UnsupportedModelError } from './errors.js';
import { layerModelInputs } from './layer-inputs.js';
import type { LayersModelLike, OutputSelector } from './model.js';
import { explainUnsupported, makeForward } from './model.js';

type LayerCall = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

/** The parts of a tfjs-layers `Layer` that layer attribution uses. */
export interface LayerLike {
  readonly name: string;
  call: LayerCall;
}

/** A LayersModel whose layers can be looked up by name. */
export interface LayeredModelLike extends LayersModelLike {
  getLayer(name: string): LayerLike;
}

export interface LayerSplitOptions {
  /** For a model with several outputs: the index or name of the one to explain. */
  readonly output?: OutputSelector;
}

export interface LayerIntegratedGradientsOptions extends Omit<IntegratedGradientsOptions, 'baselines' | 'attributionsInto'>, LayerSplitOptions {
  /**
   * In input space (e.g. padding token ids for an Embedding layer); default 0. One per model
   * input or one for all: a constant, a tensor (a tf.Tensor too) shaped like the input or like one
   * example of it, or a function of the input. Not `{ average: [...] }`: run once per baseline.
   */
  readonly baselines?: InputBaseline | readonly InputBaseline[];
}

/** The core's layer result: attribution, the layer's activations at inputs and baselines, reports. */
export type LayerIntegratedGradientsResult = LayerAttributionResult;

/**
 * A LayersModel split at one of its layers (the core's LayerSplit): the forward pass up to the
 * layer gives its output, and the head is the model with that layer's output replaced by the
 * path point (the equivalent of a forward hook), every other input the model reads at its real
 * value. Works for layers whose input is not differentiable, such as an Embedding fed with token
 * ids (given as float values).
 */
export function tfjsLayerSplit(model: LayeredModelLike, layerName: string, options: LayerSplitOptions = {}): LayerSplit {
  const layer = findLayer(model, layerName);
  const forward = makeForward(model, options.output);
  return {
    layer: layerName,
    examples: tensorExamples,
    example: tensorExample,
    activation: async (example) => captureLayerOutput(model, layer, example),
    async head(example): Promise<LayerHead> {
      const backend = forwardBackend(
        (points, count) => withLayerOutput(layer, points[0] as tf.Tensor, () => forward(tiled(example, count), count)),
        `layer '${layerName}' of ${model.name}`,
      );
      return { backend, held: [], release: () => backend.dispose() };
    },
  };
}

/**
 * Integrated Gradients to a layer's output (Captum's LayerIntegratedGradients): the core's
 * `layerIntegratedGradients` on `tfjsLayerSplit(model, layerName)`, with baselines given as
 * constants or tensors in input space. Attributions are in the layer's output space and sum to
 * F(x) − F(x').
 */
export async function layerIntegratedGradients(
  model: LayeredModelLike,
  layerName: string,
  inputs: Inputs,
  options: LayerIntegratedGradientsOptions = {},
): Promise<LayerIntegratedGradientsResult> {
  const { baselines, output, ...rest } = options;
  const split = tfjsLayerSplit(model, layerName, output === undefined ? {} : { output });
  const checked = layerModelInputs(model, inputs, baselines);
  return layerAttribution(split, checked.inputs, { ...rest, baselines: checked.baselines });
}

function findLayer(model: LayeredModelLike, name: string): LayerLike {
  let layer: LayerLike;
  try {
    layer = model.getLayer(name);
  } catch {
    throw new UnsupportedModelError(`LayersModel '${model.name}' has no layer named '${name}'`);
  }
  return layer;
}

/** Runs the model on one example and returns the layer's output, `[1, ...layerShape]`. */
function captureLayerOutput(model: LayeredModelLike, layer: LayerLike, inputs: readonly Tensor[]): Tensor {
  const original = layer.call;
  let captured: tf.Tensor | undefined;
  // Counted as the model runs: inboundNodes also holds a nested model's own construction node
  // and the calls of other models that share the layer.
  let calls = 0;
  const recording: LayerCall = (callInputs, kwargs) => {
    calls += 1;
    const result = original.call(layer, callInputs, kwargs);
    // A nested model's call returns its outputs as an array, of one for a one-output model.
    const single = Array.isArray(result) && result.length === 1 ? (result[0] as tf.Tensor) : result;
    if (Array.isArray(single)) {
      throw new UnsupportedModelError(`layer '${layer.name}' returns ${single.length} tensors; attribute to a layer with one output`);
    }
    // The model frees intermediate tensors when its forward pass ends; keep a copy.
    captured?.dispose();
    captured = tf.keep(tf.cast(single, 'float32'));
    return result;
  };
  try {
    tf.tidy(() => {
      const feeds = inputs.map(toTensor);
      withPatchedCall(layer, recording, () => {
        try {
          model.apply(feeds.length === 1 ? (feeds[0] as tf.Tensor) : feeds, { training: false });
        } catch (error) {
          throw explainUnsupported(error, `LayersModel '${model.name}'`);
        }
      });
    });
    if (captured === undefined) {
      throw new UnsupportedModelError(`layer '${layer.name}' was not called by the model's forward pass`);
    }
    if (calls > 1) {
      throw new UnsupportedModelError(`layer '${layer.name}' is called ${calls} times in a forward pass of '${model.name}'; attribute to a layer used once`);
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

function toTensor(input: Tensor): tf.Tensor {
  return tf.tensor(input.data, [...input.shape], 'float32');
}

function tiled(inputs: readonly Tensor[], count: number): tf.Tensor[] {
  return inputs.map((input) => tf.tile(toTensor(input), [count, ...input.shape.slice(1).map(() => 1)]));
}
