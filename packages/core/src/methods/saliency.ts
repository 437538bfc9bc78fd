import type { Inputs } from '../inputs.js';
import type { GradientBackend } from '../backend.js';
import { runPathMethod, type AttributionResult, type PathMethodOptions } from './path-engine.js';
import { pointAtInput } from './straight-path.js';

export interface SaliencyOptions extends PathMethodOptions {
  /** Absolute values of the gradient (Simonyan et al. 2014; Captum's default); default false: signed, as PAIR's vanilla gradients. */
  readonly abs?: boolean;
}

/** Saliency: the gradient of the objective at the input (Simonyan et al. 2014). */
export async function saliency(backend: GradientBackend, inputs: Inputs, options: SaliencyOptions = {}): Promise<AttributionResult> {
  const result = await runPathMethod('saliency', backend, inputs, ({ input }) => pointAtInput(input, () => 1), options);
  if (options.abs === true) for (const a of result.attributions) for (let j = 0; j < a.data.length; j++) a.data[j] = Math.abs(a.data[j] as number);
  return result;
}
