import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { buildGradientModel, encodeModel, inferShapes, type OrtModuleLike, type OrtTensorLike } from '../../src/index.js';

ortWeb.env.wasm.numThreads = 1;

export const runtimes: Record<'node' | 'web', OrtModuleLike> = {
  node: ortNode,
  web: ortWeb,
};

export const defaultProvider = { node: 'cpu', web: 'wasm' } as const;

export interface Feed {
  readonly data: Float32Array;
  readonly dims: readonly number[];
  /** Fed as float64 (to a float64 model) when set. */
  readonly type?: 'float64';
}

/** onnxruntime's Tensor constructor, beyond the float32 form the package itself needs. */
type AnyFloatTensor = new (type: 'float32' | 'float64', data: Float32Array | Float64Array, dims: readonly number[]) => OrtTensorLike;

export function feedsOf(ort: OrtModuleLike, feeds: Record<string, Feed>): Record<string, OrtTensorLike> {
  const Tensor = ort.Tensor as unknown as AnyFloatTensor;
  return Object.fromEntries(
    Object.entries(feeds).map(([name, f]) => [
      name,
      f.type === 'float64' ? new Tensor('float64', Float64Array.from(f.data), f.dims) : new Tensor('float32', f.data, f.dims),
    ]),
  );
}

export async function runModel(
  ort: OrtModuleLike,
  bytes: Uint8Array,
  feeds: Record<string, OrtTensorLike>,
  provider = 'cpu',
): Promise<Record<string, OrtTensorLike>> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: [provider] });
  try {
    return await session.run(feeds);
  } finally {
    await session.release?.();
  }
}

export interface GradientRun {
  readonly output: Float32Array;
  readonly outputShape: readonly number[];
  readonly gradients: Record<string, Float32Array>;
}

/** Builds the gradient model for these feeds (probing shapes) and runs it with `seed`. */
export async function gradientOf(
  ort: OrtModuleLike,
  bytes: Uint8Array,
  feeds: Record<string, Feed>,
  seedOf: (outputSize: number) => Float32Array,
  options: { inputs?: readonly string[]; output?: string; provider?: string } = {},
): Promise<GradientRun> {
  const provider = options.provider ?? 'cpu';
  const tensors = feedsOf(ort, feeds);
  const facts = await inferShapes(ort, bytes, tensors, { executionProviders: [provider] });
  const built = buildGradientModel(bytes, { inputs: options.inputs, output: options.output, facts });
  const outputShape = built.outputShape as readonly number[];
  const outputSize = outputShape.reduce((a, b) => a * b, 1);
  const seed = seedOf(outputSize);
  const results = await runModel(ort, encodeModel(built.model), { ...tensors, ig_seed: new ort.Tensor('float32', seed, outputShape) }, provider);
  const gradients: Record<string, Float32Array> = {};
  for (const [input, name] of built.gradients) gradients[input] = results[name]?.data as Float32Array;
  return { output: results[built.output]?.data as Float32Array, outputShape, gradients };
}

/** Σ seed ⊙ output in float64, from one forward run. */
export async function objective(
  ort: OrtModuleLike,
  bytes: Uint8Array,
  feeds: Record<string, Feed>,
  seed: Float32Array,
  output?: string,
  provider = 'cpu',
): Promise<number> {
  const results = await runModel(ort, bytes, feedsOf(ort, feeds), provider);
  const out = (output ? results[output] : Object.values(results)[0])?.data as Float32Array;
  let sum = 0;
  for (let i = 0; i < out.length; i++) sum += (seed[i] as number) * (out[i] as number);
  return sum;
}
