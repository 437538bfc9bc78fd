import { createContextualDecomposition } from '../../src/index.js';
import { runModel, runtimes } from './ort.js';

const ort = runtimes.node;

/** The model's output (the first, or `output`) and its contextual decomposition for `count` masks of the input x (shape [1, …pointShape]). */
export async function decomposeModel(
  bytes: Uint8Array,
  x: Float32Array,
  pointShape: readonly number[],
  masks: Float32Array,
  count: number,
  output?: string,
): Promise<{ output: Float32Array; relevant: Float32Array; irrelevant: Float32Array }> {
  const whole = await runModel(ort, bytes, { x: new ort.Tensor('float32', x, [1, ...pointShape]) });
  const cd = await createContextualDecomposition(ort, 'onnxruntime-node', bytes, output === undefined ? {} : { output });
  const parts = await cd.decompose(x, pointShape, masks, count);
  await cd.dispose();
  return { output: (output === undefined ? Object.values(whole)[0] : whole[output])?.data as Float32Array, ...parts };
}

/** `count` masks of `size` features: all ones, all zeros, then random 0/1 features. */
export function mixedMasks(random: () => number, size: number, count: number): Float32Array {
  return Float32Array.from({ length: count * size }, (_, k) => (k < size ? 1 : k < 2 * size ? 0 : random() < 0.5 ? 1 : 0));
}
