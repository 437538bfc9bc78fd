import type { Inputs } from '../inputs.js';
import type { GradientBackend } from '../backend.js';
import { InvalidOptionError, NonFiniteError } from '../errors.js';
import type { PathReport } from '../integrate.js';
import { checkSeed, seededRandom } from '../random.js';
import { describeValue } from '../describe-value.js';
import type { Tensor } from '../tensor.js';
import { checkPositiveInteger, normalizeInputs } from '../validate.js';
import type { AttributionResult } from './path-engine.js';
import { resolveNoiseKind, type NoiseKind, type NoiseKindAlias } from './noise-kind.js';

export { NOISE_KINDS, type NoiseKind, type NoiseKindAlias } from './noise-kind.js';

/** Refuses noise options that are not an object (null, a number, …) before anything runs. */
export function checkNoiseOptions(noise: unknown): void {
  if (noise === null || typeof noise !== 'object' || Array.isArray(noise)) {
    throw new InvalidOptionError(`noise must be an object { kind, samples, stdev, seed, replay } or left out, got ${describeValue(noise)}`);
  }
}

/** A NonFiniteError from noisy sample `s` (0-based) says that it arose at the input plus noise; other errors are as they were. */
export function inNoisySample(error: unknown, s: number, samples: number): unknown {
  if (!(error instanceof NonFiniteError)) return error;
  return error.within(`in noisy sample ${s + 1} of ${samples}: the method ran at the input plus noise, not at the input itself`);
}

/** Any attribution method: what `noiseTunnel` wraps. */
export type AttributionMethod<O> = (backend: GradientBackend, inputs: readonly Tensor[], options: O) => Promise<AttributionResult>;

export interface NoiseOptions {
  /** mean (smoothgrad), mean of squares (smoothgrad-sq) or variance (vargrad) of the samples' attributions; default smoothgrad. */
  readonly kind?: NoiseKind | NoiseKindAlias;
  /** Noisy copies of the input (default 5). */
  readonly samples?: number;
  /** Standard deviation of the Gaussian noise, one value or one per input (default 1, as Captum). */
  readonly stdev?: number | readonly number[];
  /** Seed of the noise (default 0). */
  readonly seed?: number;
  /** Replays given noise instead of drawing it: the noise added to input `inputIndex` in sample `sample`. */
  readonly replay?: (sample: number, inputIndex: number, input: Tensor) => Float32Array;
}

export interface NoiseResult extends AttributionResult {
  /** Each noisy sample's reports (completeness of the wrapped method). */
  readonly sampleReports: PathReport[][];
  readonly kind: NoiseKind;
}

/**
 * Captum's NoiseTunnel over any method: the method at `samples` copies x + ε, ε ~ N(0, stdev²),
 * combined per feature by mean (SmoothGrad, Smilkov et al. 2017), mean of squares (SmoothGrad²)
 * or variance (VarGrad, Adebayo et al. 2018).
 */
export async function noiseTunnel<O>(
  method: AttributionMethod<O>,
  backend: GradientBackend,
  inputs: Inputs,
  options: O,
  noise: NoiseOptions = {},
): Promise<NoiseResult> {
  const model = normalizeInputs(inputs);
  checkNoiseOptions(noise);
  const kind = resolveNoiseKind(noise.kind, 'noise.kind');
  const samples = checkPositiveInteger(noise.samples ?? 5, 'noise.samples');
  if (Array.isArray(noise.stdev) && noise.stdev.length !== model.tensors.length)
    throw new InvalidOptionError(`noise.stdev has ${noise.stdev.length} values for ${model.tensors.length} input(s)`);
  const stdevs = model.tensors.map((_, i) => (typeof noise.stdev === 'object' ? noise.stdev[i] : noise.stdev) ?? 1);
  stdevs.forEach((s, i) => {
    if (!Number.isFinite(s) || s < 0) throw new InvalidOptionError(`noise.stdev for input ${i} must be a finite number ≥ 0, got ${String(s)}`);
  });
  const random = seededRandom(checkSeed(noise.seed ?? 0, 'noise.seed'));
  let sums: Float64Array[] | null = null;
  let squares: Float64Array[] | null = null;
  let last: AttributionResult | null = null;
  const sampleReports: PathReport[][] = [];
  const warnings = new Set<string>();
  for (let s = 0; s < samples; s++) {
    const noisy = model.tensors.map((t, i) => {
      const given = noise.replay?.(s, i, t);
      if (given !== undefined && given.length !== t.data.length)
        throw new InvalidOptionError(`replayed noise for sample ${s}, input ${i} has ${given.length} values; the input has ${t.data.length}`);
      return { data: t.data.map((v, k) => v + (given === undefined ? (stdevs[i] as number) * random.normal() : (given[k] as number))), shape: t.shape };
    });
    try {
      last = await method(backend, noisy, options);
    } catch (error) {
      throw inNoisySample(error, s, samples);
    }
    sampleReports.push(last.reports);
    for (const warning of last.warnings) warnings.add(warning);
    sums ??= last.attributions.map((a) => new Float64Array(a.data.length));
    squares ??= last.attributions.map((a) => new Float64Array(a.data.length));
    last.attributions.forEach((a, i) => {
      const sum = (sums as Float64Array[])[i] as Float64Array;
      const square = (squares as Float64Array[])[i] as Float64Array;
      for (let k = 0; k < a.data.length; k++) {
        const v = a.data[k] as number;
        sum[k] = (sum[k] as number) + v;
        square[k] = (square[k] as number) + v * v;
      }
    });
  }
  const result = last as AttributionResult;
  const attributions = result.attributions.map((a, i) => {
    const sum = (sums as Float64Array[])[i] as Float64Array;
    const square = (squares as Float64Array[])[i] as Float64Array;
    const data = new Float32Array(a.data.length);
    for (let k = 0; k < data.length; k++) {
      const mean = (sum[k] as number) / samples;
      const meanSquare = (square[k] as number) / samples;
      // E[a²] − E[a]² can round below 0 where the samples agree; a variance is never negative.
      data[k] = kind === 'smoothgrad' ? mean : kind === 'smoothgrad-sq' ? meanSquare : Math.max(0, meanSquare - mean * mean);
    }
    return { data, shape: [...a.shape] };
  });
  return {
    ...result,
    method: `${kind}(${result.method})`,
    attributions,
    reports: [],
    sampleReports,
    kind,
    gradientEvaluations: result.gradientEvaluations * samples,
    // Each sample's warnings once: the same text from several samples is one warning.
    warnings: [...warnings],
  };
}
