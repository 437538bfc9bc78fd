import type { Inputs } from '../inputs.js';
import type { GradientBackend } from '../backend.js';
import { runPathMethod, type AttributionResult, type PathMethodOptions } from './path-engine.js';
import { pointAtInput } from './straight-path.js';

/** Input × gradient (Shrikumar et al. 2016; Captum's InputXGradient): x ⊙ ∇F(x). */
export async function inputXGradient(backend: GradientBackend, inputs: Inputs, options: PathMethodOptions = {}): Promise<AttributionResult> {
  return runPathMethod('input-x-gradient', backend, inputs, ({ input }) => pointAtInput(input, (_i, _j, x) => x), options);
}
