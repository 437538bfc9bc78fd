import type { Inputs } from '../inputs.js';
import type { GradientBackend } from '../backend.js';
import { InvalidOptionError, ShapeMismatchError } from '../errors.js';
import { checkSeed, seededRandom } from '../random.js';
import { formatShape, type Tensor } from '../tensor.js';
import { checkPositiveInteger, normalizeInputs } from '../validate.js';
import { runPathMethod, type AttributionResult, type PathMethodOptions } from './path-engine.js';
import type { GradientPath } from './path.js';

export interface ExpectedGradientsOptions extends PathMethodOptions {
  /** The reference set, per model input [M, ...] with the input's point shape: baselines are drawn from it. */
  readonly references: Inputs;
  /** Samples (reference, α) per example (default 200, as the paper's). */
  readonly samples?: number;
  /** Seed of the draws (default 0): the same seed gives the same references and alphas. */
  readonly seed?: number;
}

/**
 * Expected Gradients (Erion et al. 2021): attr = mean over samples of (x − x'ᵢ) ⊙ ∇F(x'ᵢ + αᵢ(x − x'ᵢ)),
 * x'ᵢ drawn uniformly from the reference set and αᵢ ~ U(0, 1). Completeness is reported against
 * the mean of F(x) − F(x'ᵢ) over the drawn references.
 */
export async function expectedGradients(backend: GradientBackend, inputs: Inputs, options: ExpectedGradientsOptions): Promise<AttributionResult> {
  const model = normalizeInputs(inputs);
  // Called from JavaScript, options or references may be missing whatever the type says.
  const given: unknown = (options as Partial<ExpectedGradientsOptions> | undefined)?.references;
  if (given === undefined || given === null) {
    throw new InvalidOptionError('expected-gradients needs references: the reference set baselines are drawn from');
  }
  const references = Array.isArray(options.references) ? (options.references as readonly Tensor[]) : [options.references as Tensor];
  if (references.length !== model.tensors.length)
    throw new ShapeMismatchError(`references has ${references.length} tensor(s) for ${model.tensors.length} model input(s)`);
  references.forEach((r, i) => {
    if (r?.shape?.[0] === 0) throw new ShapeMismatchError(`references for input ${i} have shape ${formatShape(r.shape)}: the reference set is empty`);
  });
  const refs = normalizeInputs(references);
  refs.pointShapes.forEach((shape, i) => {
    if (formatShape(shape) !== formatShape(model.pointShapes[i] as number[])) {
      throw new ShapeMismatchError(
        `references for input ${i} have points of shape ${formatShape(shape)}; the input's are ${formatShape(model.pointShapes[i] as number[])}`,
      );
    }
  });
  const samples = checkPositiveInteger(options.samples ?? 200, 'samples');
  const random = seededRandom(checkSeed(options.seed ?? 0, 'seed'));
  const draws = Array.from({ length: model.examples }, () =>
    Array.from({ length: samples }, () => ({ reference: Math.floor(random.uniform() * refs.examples), alpha: random.uniform() })),
  );
  const views = Array.from({ length: refs.examples }, (_, r) =>
    refs.tensors.map((t, i) => t.data.subarray(r * (refs.pointSizes[i] as number), (r + 1) * (refs.pointSizes[i] as number))),
  );
  const reference = (r: number): Float32Array[] => views[r] as Float32Array[];
  return runPathMethod(
    'expected-gradients',
    backend,
    model.tensors,
    ({ example, input }): GradientPath => {
      const drawn = draws[example] as { reference: number; alpha: number }[];
      let handedOut = 0;
      let finished = 0;
      return {
        starts: drawn.map((d) => reference(d.reference)),
        lookahead: Infinity,
        next(out) {
          const d = drawn[handedOut];
          if (d === undefined) return false;
          const base = reference(d.reference);
          out.forEach((p, i) => {
            const x = input[i] as Float32Array;
            const b = base[i] as Float32Array;
            for (let j = 0; j < p.length; j++) p[j] = (b[j] as number) + d.alpha * ((x[j] as number) - (b[j] as number));
          });
          handedOut++;
          return true;
        },
        displacement(_g, out) {
          const base = reference((drawn[finished] as { reference: number }).reference);
          out.forEach((dsp, i) => {
            const x = input[i] as Float32Array;
            const b = base[i] as Float32Array;
            for (let j = 0; j < dsp.length; j++) dsp[j] = ((x[j] as number) - (b[j] as number)) / samples;
          });
          finished++;
        },
      };
    },
    options,
  );
}
