import * as tf from '@tensorflow/tfjs-core';
import { NoGradientError, NonDifferentiableInputError } from './errors.js';

const INTEGER_GRADIENT = /Error in gradient for op (\w+)\. The gradient of input (\w+) must have 'float32' dtype/;
const DILATED = /Error in gradient of (conv2D|depthwiseConv2d\w*|conv3D)\b.*dilation/i;
const NO_GRADIENT = /gradient function not found for (\w+)/;
const NO_GRADIENTS_AT_ALL =
  "no tfjs gradient is registered at all: tfjs-core registers its gradients when @tensorflow/tfjs or @tensorflow/tfjs-layers is imported, so import one of them (in a bundle, '@tensorflow/tfjs-core/dist/register_all_gradients' does it alone)";
const DILATED_KERNELS: Record<string, string> = { conv2d: 'Conv2D', conv3d: 'Conv3D' };

/** What a caller knows about the inputs, for naming them in an error. */
export interface InputDescription {
  readonly names: readonly string[];
  /** The model's Embedding layers: where to attribute instead. */
  readonly embeddingLayers: readonly string[];
  /** How to attribute such a model instead, where layerIntegratedGradients cannot take it. */
  readonly hint?: string;
}

/**
 * Turns tfjs's plain Errors from a backward pass into typed errors: a dilated conv or an op
 * without gradient is a NoGradientError; an integer input (token ids) is a
 * NonDifferentiableInputError naming the input, found by differentiating each input alone.
 */
export function explainGradientError(error: unknown, xs: readonly tf.Tensor[], scalar: (xs: tf.Tensor[]) => tf.Scalar, inputs: InputDescription): unknown {
  if (!(error instanceof Error)) return error;
  const dilated = DILATED.exec(error.message);
  if (dilated !== null) {
    const name = dilated[1] as string;
    const op = DILATED_KERNELS[name.toLowerCase()] ?? 'DepthwiseConv2dNative';
    return new NoGradientError(op, `tfjs 4 has no gradient for a convolution with dilation rate > 1 (${error.message.split('. ').pop() ?? ''})`);
  }
  const missing = NO_GRADIENT.exec(error.message);
  if (missing !== null) {
    // tfjs-core registers its gradients only when @tensorflow/tfjs or tfjs-layers is imported: a
    // graph model run on tfjs-core + tfjs-converter alone has none, not even Add's
    const none = tf.getGradient('Add') === undefined;
    return new NoGradientError(missing[1] as string, none ? NO_GRADIENTS_AT_ALL : 'no gradient function is registered for it');
  }
  const integer = INTEGER_GRADIENT.exec(error.message);
  if (integer === null) return error;
  const failing = xs.map((_, i) => i).filter((i) => !differentiable(xs, i, scalar));
  return new NonDifferentiableInputError(failing.length > 0 ? failing : xs.map((_, i) => i), inputs, integer[1] as string);
}

/** Whether the scalar can be differentiated with respect to input i alone, the others held fixed. */
function differentiable(xs: readonly tf.Tensor[], i: number, scalar: (xs: tf.Tensor[]) => tf.Scalar): boolean {
  try {
    // Only the ops reachable from xs[i] are differentiated; the other inputs act as constants.
    tf.tidy(() => tf.engine().gradients(() => scalar([...xs]), [xs[i] as tf.Tensor], undefined, true).grads);
    return true;
  } catch (error) {
    releaseAbandonedTape();
    if (error instanceof Error && INTEGER_GRADIENT.test(error.message)) return false;
    throw error;
  }
}

/**
 * While recording, tfjs keeps clones of the tensors each op saves for its backward pass and frees
 * them only after a completed backward pass; a forward or backward pass that throws would leak them.
 */
export function releaseAbandonedTape(): void {
  const state = tf.engine().state;
  if (state.gradientDepth !== 0 || state.activeTape == null) return;
  for (const node of state.activeTape) node.saved?.forEach((saved) => saved.dispose());
  state.activeTape = [];
}
