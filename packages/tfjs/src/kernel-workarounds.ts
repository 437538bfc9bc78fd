import * as tf from '@tensorflow/tfjs-core';
import { avgPoolGradientOver } from './avg-pool-gradient.js';
import { avgPool3dGrad, avgPoolGrad, maxPool3dGradLastMaximum, maxPoolGradLastMaximum } from './pool-grads.js';
import { NoGradientError } from './errors.js';
import { mirrorPadGradient } from './mirror-pad-grad.js';
import { MISSING_GRADIENTS } from './missing-gradients.js';
import { resizeBilinearGrad, resizeNearestNeighborGrad } from './resize-grads.js';

/**
 * Gradient kernels that a tfjs backend gets wrong (tfjs 4.22, checked in
 * test/kernel-workarounds.test.ts): running them would give silently wrong attributions.
 */
const WRONG_GRADIENTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  wasm: {
    Conv3D: "tfjs-backend-wasm's Conv3DBackpropInputV2 kernel returns a wrong input gradient; use the cpu backend (await tf.setBackend('cpu'))",
    Dilation2D:
      "tfjs-backend-wasm's Dilation2DBackpropInput kernel returns a wrong input gradient (seen with 'same' padding on a batch); use the cpu backend (await tf.setBackend('cpu'))",
  },
};

/** Throws a NoGradientError when the recorded forward pass used an op whose gradient the active backend gets wrong. */
export function refuseWrongGradients(): void {
  const wrong = WRONG_GRADIENTS[tf.getBackend()];
  if (wrong === undefined) return;
  for (const node of tf.engine().state.activeTape ?? []) {
    const reason = wrong[node.kernelName];
    if (reason !== undefined) throw new NoGradientError(node.kernelName, `on the ${tf.getBackend()} backend, ${reason}`);
  }
}

/**
 * Gradient kernels of tfjs 4.22 that are wrong, replaced by the exact adjoints of the forward
 * kernels (src/resize-grads.ts, src/pool-grads.ts) on the backends that keep tensors in CPU
 * memory: cpu's ResizeBilinearGrad failed on any non-square image, its ResizeNearestNeighborGrad
 * (UpSampling2D's default) gave wrong gradients to every example after the first of a batch, and
 * both backends ignored halfPixelCenters (TF 2's tf.image.resize) in the gradient. Both backends'
 * AvgPoolGrad and AvgPool3DGrad divided by the whole window where 'same' padding cuts it at the
 * border, and wasm's MaxPoolGrad and MaxPool3DGrad gave nothing to a window of negative values only.
 */
const CORRECTED_KERNELS: readonly (readonly [string, tf.KernelFunc, readonly string[]])[] = [
  ['ResizeBilinearGrad', resizeBilinearGrad, ['cpu', 'wasm']],
  ['ResizeNearestNeighborGrad', resizeNearestNeighborGrad, ['cpu', 'wasm']],
  ['AvgPoolGrad', avgPoolGrad, ['cpu', 'wasm']],
  ['AvgPool3DGrad', avgPool3dGrad, ['cpu', 'wasm']],
  ['MaxPoolGrad', maxPoolGradLastMaximum, ['wasm']],
  ['MaxPool3DGrad', maxPool3dGradLastMaximum, ['wasm']],
];

/**
 * GPU backends whose AvgPoolGrad has the 'same' padding bug: their AvgPool gradient is wrapped
 * instead. webgpu's kernel gives the same wrong numbers but stays as it is until the wrapped
 * gradient has been checked on a working WebGPU device.
 */
const WRAPPED_AVG_POOL_BACKENDS = new Set(['webgl']);

/**
 * Ops with boolean outputs, piecewise constant in their inputs, that tfjs registers no gradient
 * for (a Masking layer's Any, ThresholdedReLU's Greater): their derivative is zero wherever it
 * exists, so they get a zero gradient during our backward passes instead of failing.
 */
const BOOLEAN_OPS: Readonly<Record<string, readonly string[]>> = {
  Greater: ['a', 'b'],
  Less: ['a', 'b'],
  LessEqual: ['a', 'b'],
  Equal: ['a', 'b'],
  NotEqual: ['a', 'b'],
  LogicalAnd: ['a', 'b'],
  LogicalOr: ['a', 'b'],
  LogicalNot: ['x'],
  Any: ['x'],
  All: ['x'],
};

function zeroGradient(kernelName: string, inputs: readonly string[]): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: [...inputs],
    gradFunc: (_dy, saved) => Object.fromEntries(inputs.map((name, i) => [name, () => tf.zeros((saved[i] as tf.Tensor).shape, 'float32')])),
  };
}

/**
 * Runs a forward and backward pass with tfjs's gaps closed: the gradient kernels corrected
 * (CORRECTED_KERNELS), on webgl AvgPool's gradient corrected around its kernel
 * (src/avg-pool-gradient.ts), MirrorPad's gradient folding the mirrored border back (tfjs's only
 * slices the centre), zero gradients for boolean ops (BOOLEAN_OPS), and the gradients tfjs has
 * none for that graph models converted from TensorFlow use (src/missing-gradients.ts). The registries are put back as
 * they were when `run` returns, so the app's own tfjs calls are untouched.
 */
export function withCorrectedKernels<T>(run: () => T): T {
  const backend = tf.getBackend();
  const kernels = CORRECTED_KERNELS.flatMap(([name, kernelFunc, backends]) => {
    const original = backends.includes(backend) ? tf.getKernel(name, backend) : undefined;
    return original === undefined ? [] : [{ original, corrected: { ...original, kernelFunc } }];
  });
  const avgPool = tf.getGradient('AvgPool') as tf.GradConfig | undefined;
  const replacements =
    WRAPPED_AVG_POOL_BACKENDS.has(backend) && avgPool !== undefined ? [mirrorPadGradient, avgPoolGradientOver(avgPool)] : [mirrorPadGradient];
  const gradients = [...Object.entries(BOOLEAN_OPS).map(([name, inputs]) => zeroGradient(name, inputs)), ...MISSING_GRADIENTS, ...replacements].map(
    (corrected) => ({
      corrected,
      original: tf.getGradient(corrected.kernelName) as tf.GradConfig | undefined,
    }),
  );
  // boolean ops and the missing gradients keep one tfjs may register in a later release
  const swapped = gradients.filter(({ corrected, original }) => original === undefined || replacements.includes(corrected));
  for (const { corrected } of kernels) swapKernel(corrected);
  for (const { corrected } of swapped) swapGradient(corrected);
  try {
    return run();
  } finally {
    for (const { original, corrected } of swapped) {
      if (original === undefined) tf.unregisterGradient(corrected.kernelName);
      else swapGradient(original);
    }
    for (const { original } of kernels) swapKernel(original);
  }
}

function swapKernel(config: tf.KernelConfig): void {
  tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
}

function swapGradient(config: tf.GradConfig): void {
  if (tf.getGradient(config.kernelName) !== undefined) tf.unregisterGradient(config.kernelName);
  tf.registerGradient(config);
}
