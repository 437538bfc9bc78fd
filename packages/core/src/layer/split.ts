import type { GradientBackend } from '../backend.js';
import type { Tensor } from '../tensor.js';

/**
 * The model after the layer, for one example: a backend whose first input is the layer's
 * activation. Any further inputs (model inputs that reach the output without passing through
 * the layer) are held at `held`, the example's own values, at every point of the path.
 */
export interface LayerHead {
  readonly backend: GradientBackend;
  /** Values of the backend's inputs after the first, one example each (batch axis of 1). */
  readonly held: readonly Tensor[];
  /** Frees what this head alone holds; a head shared between examples may keep its backend. */
  release(): void | Promise<void>;
}

/**
 * A model split at a layer L, the contract between an engine and layer attribution (Captum's
 * LayerIntegratedGradients): "input → activations of L" and a GradientBackend from those
 * activations to the output. `Inputs` is how the model's inputs are given: float tensors with a
 * batch axis (the default), or whatever an engine takes for, say, token ids and masks.
 */
export interface LayerSplit<Inputs = readonly Tensor[]> {
  /** The layer's name (a tensor or layer name), for messages. */
  readonly layer: string;
  /** How many examples `inputs` holds (the length of its batch axis). */
  examples(inputs: Inputs): number;
  /** Example `index` of `inputs`, with a batch axis of 1. */
  example(inputs: Inputs, index: number): Inputs;
  /** The layer's activation (float32, `[1, ...layerShape]`) for one example. */
  activation(example: Inputs): Promise<Tensor>;
  /** The model from the layer's activation to the output, every other input held at the example's values. */
  head(example: Inputs): Promise<LayerHead>;
}
