import * as tf from '@tensorflow/tfjs-core';
import { MissingKernelError, UnsupportedModelError } from './errors.js';

const MISSING_KERNEL = /Kernel '([^']+)' not registered for backend '([^']+)'/;
/** The cpu, webgl and webgpu backends' wording, then wasm's (which says FusedConv2D for _FusedMatMul too). */
const FUSED_ACTIVATION = [/Activation (\w+) has not been implemented for the (\w+) backend/, /(\w+) activation not yet supported for \w+ in the (\w+) backend/];

/**
 * Turns tfjs's "Kernel 'X' not registered for backend 'Y'" into a MissingKernelError, and its
 * refusal of a fused activation (a TensorFlow graph's _FusedConv2D or _FusedMatMul with, say,
 * Tanh, which no tfjs 4 backend fuses) into an UnsupportedModelError; other errors pass.
 */
export function explainKernelError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const fused = FUSED_ACTIVATION.map((pattern) => pattern.exec(error.message)).find((match) => match !== null);
  if (fused !== undefined)
    return new UnsupportedModelError(
      `tfjs backend '${(fused[2] as string).toLowerCase()}' cannot run the fused activation '${fused[1] as string}' of a _FusedConv2D, _FusedMatMul or FusedDepthwiseConv2dNative node (tfjs 4 fuses linear, relu, relu6, elu, prelu, leakyrelu and sigmoid only); convert the model with that activation as its own op`,
    );
  const match = MISSING_KERNEL.exec(error.message);
  if (match === null) return error;
  const kernel = match[1] as string;
  const backend = match[2] as string;
  // Only backends with a registered factory can be set: importing @tensorflow/tfjs in Node
  // registers webgl's kernels but not its factory, since webgl cannot start there.
  const registered = Object.keys(tf.engine().registryFactory);
  const alternatives = registered.filter((name) => name !== backend && tf.getKernel(kernel, name) !== undefined);
  return new MissingKernelError(kernel, backend, alternatives);
}
