import type { GradientBackend } from '../backend.js';
import { InvalidOptionError } from '../errors.js';
import type { Tensor } from '../tensor.js';
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
export async function blurIG(backend: GradientBackend, inputs: Tensor | readonly Tensor[], options: BlurIGOptions = {}): Promise<AttributionResult> {
  const model = normalizeInputs(inputs);
  const maxSigma = checkPositiveNumber(options.maxSigma ?? 50, 'maxSigma');
  const steps = checkPositiveInteger(options.steps ?? 100, 'steps');
  const gradStep = checkPositiveNumber(options.gradStep ?? 0.01, 'gradStep');
  if (options.layout !== undefined && options.layout !== 'NCHW' && options.layout !== 'NHWC') throw new InvalidOptionError(`layout must be NCHW or NHWC, got '${String(options.layout)}'`);
  const layouts = model.pointShapes.map((shape, i) => {
    const layout = options.layout ?? guessLayout(shape);
    imageDims(shape, layout, `input ${i}`);
    return layout;
  });
  const sigmas = blurSigmas(maxSigma, steps, options.sqrt ?? false);
  return runPathMethod('blur-ig', backend, model.tensors, ({ input, pointShapes }): GradientPath => {
    const blur = (sigma: number, i: number, out: Float32Array | Float64Array): void => gaussianBlur(input[i] as Float32Array, pointShapes[i] as number[], layouts[i] as ImageLayout, sigma, out);
    const start = input.map((x, i) => {
      const out = new Float32Array(x.length);
      blur(maxSigma, i, out);
      return out;
    });
    const here = input.map((x) => new Float64Array(x.length));
    const ahead = input.map((x) => new Float64Array(x.length));
    let handedOut = 0;
    let finished = 0;
    return {
      starts: [start],
      lookahead: Infinity,
      next(out) {
        if (handedOut === steps) return false;
        out.forEach((point, i) => blur(sigmas[handedOut] as number, i, point));
        handedOut++;
        return true;
      },
      displacement(_g, out) {
        const sigma = sigmas[finished] as number;
        const scale = -((sigmas[finished + 1] as number) - sigma) / gradStep;
        out.forEach((d, i) => {
          const a = here[i] as Float64Array;
          const b = ahead[i] as Float64Array;
          blur(sigma, i, a);
          blur(sigma + gradStep, i, b);
          for (let j = 0; j < d.length; j++) d[j] = scale * ((b[j] as number) - (a[j] as number));
        });
        finished++;
      },
    };
  }, options);
}
