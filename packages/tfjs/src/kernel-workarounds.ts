import * as tf from '@tensorflow/tfjs-core';
import { NoGradientError } from './errors.js';
import { resizeNearestNeighborGrad } from './nearest-neighbor-grad.js';

/**
 * Gradient kernels that a tfjs backend gets wrong (checked against tfjs 4.22 in
 * test/kernel-workarounds.test.ts): running them would give silently wrong attributions.
 */
const WRONG_GRADIENTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  wasm: {
    Conv3D: "tfjs-backend-wasm's Conv3DBackpropInputV2 kernel returns a wrong input gradient; use the cpu backend (await tf.setBackend('cpu'))",
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
 * Runs a forward and backward pass with tfjs's gaps closed, and the registries put back as they
 * were when `run` returns:
 * - on cpu, the resize gradient kernels are corrected (CPU_CORRECTIONS): ResizeBilinearGrad
 *   failed on any non-square image, ResizeNearestNeighborGrad (UpSampling2D's default) gave
 *   wrong gradients to every example after the first of a batch;
 * - boolean ops without a registered gradient get their zero gradient (BOOLEAN_OPS).
 */
export function withCorrectedKernels<T>(run: () => T): T {
  const cpu = tf.getBackend() === 'cpu';
  const replaced = cpu ? CPU_CORRECTIONS.flatMap(([name, correct]) => replacement(name, correct)) : [];
  const added = Object.entries(BOOLEAN_OPS).filter(([name]) => tf.getGradient(name) === undefined);
  for (const { corrected } of replaced) swapKernel(corrected);
  for (const [name, inputs] of added) tf.registerGradient(zeroGradient(name, inputs));
  try {
    return run();
  } finally {
    for (const [name] of added) tf.unregisterGradient(name);
    for (const { original } of replaced) swapKernel(original);
  }
}

/** The cpu kernel `name` with its kernelFunc corrected, or nothing where tfjs-backend-cpu is not registered. */
function replacement(name: string, correct: (original: tf.KernelConfig) => tf.KernelFunc): { original: tf.KernelConfig; corrected: tf.KernelConfig }[] {
  const original = tf.getKernel(name, 'cpu');
  return original === undefined ? [] : [{ original, corrected: { ...original, kernelFunc: correct(original) } }];
}

function swapKernel(config: tf.KernelConfig): void {
  tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
}

/** Gradient kernels of tfjs-backend-cpu 4.22 that are wrong, with their corrections. */
const CPU_CORRECTIONS: readonly (readonly [string, (original: tf.KernelConfig) => tf.KernelFunc])[] = [
  // fills [batch, height, width, depth] but labels it [batch, width, height, depth]
  [
    'ResizeBilinearGrad',
    (original) => (args) => ({ ...(original.kernelFunc(args) as tf.TensorInfo), shape: [...(args.inputs['images'] as tf.TensorInfo).shape] }),
  ],
  ['ResizeNearestNeighborGrad', () => resizeNearestNeighborGrad],
];
