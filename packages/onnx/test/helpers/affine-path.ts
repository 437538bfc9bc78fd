import { buildFusedModel, buildGradientModel, encodeModel, inferShapes, type OrtTensorLike } from '../../src/index.js';
import { runtimes } from './ort.js';
import { rng, uniform } from './random.js';

// The fused path graph's gradient sum against per-point gradients of the plain gradient graph,
// for a model with input x of one example's shape `point` (default [3, 9, 9]) and a 5-wide output.
const ort = runtimes.node;
export const POINT = [3, 9, 9];
export const POINT_SIZE = 3 * 9 * 9;

export const floats = (t: OrtTensorLike): Float32Array => t.data as Float32Array;

export const sizeOf = (point: readonly number[]): number => point.reduce((a, b) => a * b, 1);

async function factsFor(bytes: Uint8Array, steps: number, point: readonly number[]) {
  return inferShapes(ort, bytes, { x: new ort.Tensor('float32', uniform(rng(1), steps * sizeOf(point)), [steps, ...point]) });
}

export interface PathCase {
  readonly input: Float32Array;
  readonly baseline: Float32Array;
  readonly alphas: Float32Array;
  readonly weights: Float32Array;
  readonly seed: Float32Array;
}

export async function fusedGradientSum(
  bytes: Uint8Array,
  c: PathCase,
  foldAffinePrefix: boolean,
  point = POINT,
): Promise<{ sum: Float32Array; affinePrefix: readonly string[] }> {
  const steps = c.alphas.length;
  const fused = buildFusedModel(bytes, { steps, facts: await factsFor(bytes, steps, point), foldAffinePrefix });
  const session = await ort.InferenceSession.create(encodeModel(fused.model));
  const names = fused.exampleInputs.get('x') as { input: string; baseline: string; gradientSum: string };
  const out = await session.run({
    [names.input]: new ort.Tensor('float32', c.input, [1, ...point]),
    [names.baseline]: new ort.Tensor('float32', c.baseline, [1, ...point]),
    [fused.alphas]: new ort.Tensor('float32', c.alphas, [steps]),
    [fused.weights]: new ort.Tensor('float32', c.weights, [steps]),
    [fused.seed]: new ort.Tensor('float32', c.seed, [1, 5]),
  });
  await session.release?.();
  return { sum: floats(out[names.gradientSum] as OrtTensorLike), affinePrefix: fused.affinePrefix };
}

/** Σₖ wₖ·∇(seed·y) at each path point, from the plain gradient model, one point per run. */
export async function pointwiseGradientSum(bytes: Uint8Array, c: PathCase, point = POINT): Promise<Float32Array> {
  const gradient = buildGradientModel(bytes, { facts: await factsFor(bytes, 1, point) });
  const session = await ort.InferenceSession.create(encodeModel(gradient.model));
  const total = new Float64Array(sizeOf(point));
  for (let k = 0; k < c.alphas.length; k++) {
    const at = c.baseline.map((b, i) => b + (c.alphas[k] as number) * ((c.input[i] as number) - b));
    const out = await session.run({ x: new ort.Tensor('float32', at, [1, ...point]), [gradient.seed]: new ort.Tensor('float32', c.seed, [1, 5]) });
    floats(out[gradient.gradients.get('x') as string] as OrtTensorLike).forEach((g, i) => (total[i] = (total[i] as number) + (c.weights[k] as number) * g));
  }
  await session.release?.();
  return Float32Array.from(total);
}

export function pathCase(steps: number, size = POINT_SIZE): PathCase {
  const draw = rng(steps);
  return {
    input: uniform(draw, size),
    baseline: uniform(draw, size, -0.3, 0.3),
    alphas: uniform(draw, steps, 0, 1),
    weights: uniform(draw, steps, 0.1, 1),
    seed: Float32Array.from([0.5, -1, 2, 0, 1]),
  };
}
