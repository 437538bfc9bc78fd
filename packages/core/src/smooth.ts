import type { Inputs } from './inputs.js';
import { checkAttributionBuffers } from './attribution-buffers.js';
import type { GradientBackend } from './backend.js';
import { InvalidOptionError } from './errors.js';
import { integratedGradients, type IntegratedGradientsOptions, type IntegratedGradientsResult, type PathReport } from './integrate.js';
import { inNoisySample } from './methods/noise.js';
import { resolveNoiseKind, type NoiseKind, type NoiseKindAlias } from './methods/noise-kind.js';
import { pinTargets } from './pinned-targets.js';
import { checkSeed, seededRandom } from './random.js';
import { targetsPerExample } from './targets.js';
import type { Tensor } from './tensor.js';
import { checkPositiveInteger, normalizeInputs } from './validate.js';

/**
 * The kinds under the names this function first took ('smoothgrad-squared' for 'smoothgrad-sq'),
 * still accepted; NoiseKind has the canonical names, shared with noiseTunnel and reported in results.
 */
export type SmoothKind = 'smoothgrad' | 'smoothgrad-squared' | 'vargrad';

export interface SmoothOptions extends IntegratedGradientsOptions {
  /** How the per-sample attributions combine: mean, mean of squares, or variance. Default smoothgrad. */
  readonly kind?: NoiseKind | NoiseKindAlias;
  /** Noisy copies of the input (default 5). */
  readonly samples?: number;
  /** Standard deviation of the Gaussian noise added to the input, one value or one per input (default 1, as Captum). */
  readonly stdev?: number | readonly number[];
  /** Seed of the noise generator (default 0): the same seed gives the same noise. */
  readonly seed?: number;
  /** Replays given noise instead of drawing it: the noise added to input `inputIndex` in sample `sample`. */
  readonly noise?: (sample: number, inputIndex: number, input: Tensor) => Float32Array;
  /**
   * As for integratedGradients: arrays the combined attributions are written into, one per model
   * input. They also hold each noisy sample's attributions on the way, so no attribution arrays
   * are allocated; if the call rejects, their contents are unspecified.
   */
  readonly attributionsInto?: readonly Float32Array[];
}

export interface SmoothResult {
  /** One per model input, the input's shape (with a target axis for several targets); the `attributionsInto` arrays when given. */
  readonly attributions: Tensor[];
  /** The completeness reports of each noisy sample's IG. */
  readonly sampleReports: PathReport[][];
  /** The kind run, under this function's names ('smoothgrad-squared' for any alias of the mean of squares). */
  readonly kind: SmoothKind;
}

/**
 * SmoothGrad over Integrated Gradients (Captum's NoiseTunnel): IG at `samples` noisy copies
 * x + ε, ε ~ N(0, stdev²), baselines unchanged, combined by mean (smoothgrad), mean of squares
 * (smoothgrad-sq) or variance (vargrad).
 */
export async function smoothIntegratedGradients(backend: GradientBackend, inputs: Inputs, options: SmoothOptions = {}): Promise<SmoothResult> {
  const model = normalizeInputs(inputs);
  const kind = resolveNoiseKind(options.kind, 'kind');
  const samples = checkPositiveInteger(options.samples ?? 5, 'samples');
  const stdevs = model.tensors.map((_, i) => (typeof options.stdev === 'object' ? options.stdev[i] : options.stdev) ?? 1);
  stdevs.forEach((s, i) => {
    if (!Number.isFinite(s) || s < 0) throw new InvalidOptionError(`stdev for input ${i} must be a finite number ≥ 0, got ${String(s)}`);
  });
  if (Array.isArray(options.stdev) && options.stdev.length !== model.tensors.length) {
    throw new InvalidOptionError(`stdev has ${options.stdev.length} values for ${model.tensors.length} input(s)`);
  }
  const target = await pinTargets(backend, model, options.target, options);
  // Each sample's attributions go into the same arrays (the caller's, or the first sample's),
  // read into the float64 sums before the next sample overwrites them.
  let buffers =
    options.attributionsInto === undefined ? undefined : checkAttributionBuffers(options.attributionsInto, model, targetsPerExample(options.target));
  const random = seededRandom(checkSeed(options.seed ?? 0, 'seed'));
  let sum: Float64Array[] | null = null;
  let sumSquares: Float64Array[] | null = null;
  let shapes: (readonly number[])[] = [];
  const sampleReports: PathReport[][] = [];
  for (let s = 0; s < samples; s++) {
    const noisy = model.tensors.map((t, i) => {
      const noise = options.noise?.(s, i, t);
      if (noise !== undefined && noise.length !== t.data.length) {
        throw new InvalidOptionError(`noise for sample ${s}, input ${i} has ${noise.length} values; the input has ${t.data.length}`);
      }
      const stdev = stdevs[i] as number;
      return { data: t.data.map((v, k) => v + (noise === undefined ? stdev * random.normal() : (noise[k] as number))), shape: t.shape };
    });
    let result: IntegratedGradientsResult;
    try {
      result = await integratedGradients(backend, noisy, { ...options, target, attributionsInto: buffers });
    } catch (error) {
      throw inNoisySample(error, s, samples);
    }
    buffers ??= result.attributions.map((a) => a.data);
    sampleReports.push(result.reports);
    shapes = result.attributions.map((a) => a.shape);
    sum ??= result.attributions.map((a) => new Float64Array(a.data.length));
    sumSquares ??= result.attributions.map((a) => new Float64Array(a.data.length));
    result.attributions.forEach((a, i) => {
      const total = (sum as Float64Array[])[i] as Float64Array;
      const squares = (sumSquares as Float64Array[])[i] as Float64Array;
      a.data.forEach((v, k) => {
        total[k] = (total[k] as number) + v;
        squares[k] = (squares[k] as number) + v * v;
      });
    });
  }
  const attributions = (sum as Float64Array[]).map((total, i) => {
    const squares = (sumSquares as Float64Array[])[i] as Float64Array;
    const data = (buffers as readonly Float32Array[])[i] as Float32Array;
    for (let k = 0; k < data.length; k++) {
      const mean = (total[k] as number) / samples;
      const meanSquare = (squares[k] as number) / samples;
      data[k] = kind === 'smoothgrad' ? mean : kind === 'smoothgrad-sq' ? meanSquare : meanSquare - mean * mean;
    }
    return { data, shape: [...(shapes[i] as number[])] };
  });
  return { attributions, sampleReports, kind: kind === 'smoothgrad-sq' ? 'smoothgrad-squared' : kind };
}
