import type { Inputs } from '../inputs.js';
import type { GradientBackend } from '../backend.js';
import { InvalidOptionError } from '../errors.js';
import { checkPositiveInteger, checkPositiveNumber, normalizeInputs } from '../validate.js';
import { gaussianBlur, guessLayout, imageDims, type ImageLayout } from './gaussian-blur.js';
import { runPathMethod, type AttributionResult, type PathMethodOptions } from './path-engine.js';
import type { GradientPath } from './path.js';

export interface BlurIGOptions extends PathMethodOptions {
  /** Blur of the path's start (default 50). */
  readonly maxSigma?: number;
  /** Points along the path (default 100). */
  readonly steps?: number;
  /** Step of the finite difference that gives ∂blur/∂σ (default 0.01). */
  readonly gradStep?: number;
  /** σₖ = √(k·maxSigma/steps) instead of k·maxSigma/steps (default false). */
  readonly sqrt?: boolean;
  /** Layout of every image input; default: guessed per input from its shape (channels first when the first axis is 1 or 3). */
  readonly layout?: ImageLayout;
}

/** σ₀ = 0 < σ₁ < … < σ_steps = maxSigma, linear or square-root spaced, as PAIR saliency. */
export function blurSigmas(maxSigma: number, steps: number, sqrt: boolean): Float64Array {
  return Float64Array.from({ length: steps + 1 }, (_, i) => (sqrt ? Math.sqrt((i * maxSigma) / steps) : (i * maxSigma) / steps));
}

/**
 * Blur IG (Xu et al., CVPR 2020): IG along the Gaussian scale-space path from the image blurred
 * with σ = maxSigma to the image, as PAIR saliency's BlurIG: gradients at blur(x, σₖ) for
 * k < steps, each times −(σₖ₊₁ − σₖ)·(blur(x, σₖ + gradStep) − blur(x, σₖ))/gradStep.
 * Completeness is reported against F(x) − F(blur(x, maxSigma)).
 */
export async function blurIG(backend: GradientBackend, inputs: Inputs, options: BlurIGOptions = {}): Promise<AttributionResult> {
  const model = normalizeInputs(inputs);
  const maxSigma = checkPositiveNumber(options.maxSigma ?? 50, 'maxSigma');
  const steps = checkPositiveInteger(options.steps ?? 100, 'steps');
  const gradStep = checkPositiveNumber(options.gradStep ?? 0.01, 'gradStep');
  if (options.layout !== undefined && options.layout !== 'NCHW' && options.layout !== 'NHWC')
    throw new InvalidOptionError(`layout must be NCHW or NHWC, got '${String(options.layout)}'`);
  const layouts = model.pointShapes.map((shape, i) => {
    const layout = options.layout ?? guessLayout(shape);
    imageDims(shape, layout, `input ${i}`);
    return layout;
  });
  const sigmas = blurSigmas(maxSigma, steps, options.sqrt ?? false);
  return runPathMethod(
    'blur-ig',
    backend,
    model.tensors,
    ({ input, pointShapes }): GradientPath => {
      const blur = (sigma: number, i: number, out: Float32Array | Float64Array, scratch?: Float64Array): void =>
        gaussianBlur(
          input[i] as Float32Array,
          pointShapes[i] as number[],
          layouts[i] as ImageLayout,
          sigma,
          out,
          scratch?.subarray(0, (input[i] as Float32Array).length),
        );
      const start = input.map((x, i) => {
        const out = new Float32Array(x.length);
        blur(maxSigma, i, out);
        return out;
      });
      const scratch = new Float64Array(Math.max(...input.map((x) => x.length)));
      const here = input.map((x) => new Float64Array(x.length));
      const ahead = input.map((x) => new Float64Array(x.length));
      // Displacements of the points handed out and not yet finished, oldest first: each is found
      // with its point, from the same two blurs.
      const pending: Float32Array[][] = [];
      const spare: Float32Array[][] = [];
      let handedOut = 0;
      return {
        starts: [start],
        lookahead: Infinity,
        next(out) {
          if (handedOut === steps) return false;
          const sigma = sigmas[handedOut] as number;
          const scale = -((sigmas[handedOut + 1] as number) - sigma) / gradStep;
          const displacement = spare.pop() ?? input.map((x) => new Float32Array(x.length));
          out.forEach((point, i) => {
            const a = here[i] as Float64Array;
            const b = ahead[i] as Float64Array;
            blur(sigma, i, a, scratch);
            blur(sigma + gradStep, i, b, scratch);
            const d = displacement[i] as Float32Array;
            for (let j = 0; j < point.length; j++) {
              point[j] = a[j] as number;
              d[j] = scale * ((b[j] as number) - (a[j] as number));
            }
          });
          pending.push(displacement);
          handedOut++;
          return true;
        },
        displacement(_g, out) {
          const displacement = pending.shift() as Float32Array[];
          out.forEach((d, i) => d.set(displacement[i] as Float32Array));
          spare.push(displacement);
        },
      };
    },
    options,
  );
}
