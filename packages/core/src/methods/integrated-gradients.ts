import { refuseAutoOnlyOptions } from '../unused-options.js';
import type { Inputs } from '../inputs.js';
import type { GradientBackend } from '../backend.js';
import { resolveBaselines, type BaselineSpec } from '../baselines.js';
import { InvalidOptionError } from '../errors.js';
import { integratedGradients, type IntegratedGradientsOptions } from '../integrate.js';
import { checkCustomRule, sharedQuadrature, type QuadratureMethod } from '../quadrature.js';
import { checkPositiveInteger, normalizeInputs } from '../validate.js';
import { resolveObjective } from './objective.js';
import { runPathMethod, type AttributionResult, type PathMethodOptions } from './path-engine.js';
import { straightPath } from './straight-path.js';

export interface IntegratedGradientsMethodOptions extends PathMethodOptions, Omit<IntegratedGradientsOptions, keyof PathMethodOptions> {
  /**
   * Default true: attributions (x − x')·∫∇F. False gives the path-averaged gradient ∫∇F dα
   * alone (Captum's `multiply_by_inputs=False`); it reports no completeness.
   */
  readonly multiplyByInputs?: boolean;
}

/**
 * Integrated Gradients (Sundararajan et al. 2017) along the straight line. With the linear
 * read-out and the (x − x') factor it is `integratedGradients` itself, the fast special case
 * (fused backend `integrate`, auto steps); otherwise the path engine runs the same line.
 */
export async function integratedGradientsMethod(
  backend: GradientBackend,
  inputs: Inputs,
  options: IntegratedGradientsMethodOptions = {},
): Promise<AttributionResult> {
  const objective = resolveObjective(options.objective);
  const multiply = options.multiplyByInputs ?? true;
  if (multiply && objective.linear) return integratedGradients(backend, inputs, options);
  if (options.steps === 'auto')
    throw new InvalidOptionError(
      `steps: 'auto' needs the linear objective and multiplyByInputs; give a number of steps for objective '${objective.name}'${multiply ? '' : ' or multiplyByInputs: false'}`,
    );
  refuseAutoOnlyOptions(options as Readonly<Record<string, unknown>>, options.steps);
  if (options.attributionsInto !== undefined) throw new InvalidOptionError('attributionsInto is supported only with the linear objective and multiplyByInputs');
  const model = normalizeInputs(inputs);
  const method = options.method;
  const rule =
    typeof method === 'object'
      ? checkCustomRule(method)
      : sharedQuadrature((method ?? 'gauss-legendre') as QuadratureMethod, checkPositiveInteger(options.steps ?? 50, 'steps'));
  const samples = resolveBaselines(options.baselines as BaselineSpec | undefined, model.tensors);
  return runPathMethod(
    'integrated-gradients',
    backend,
    model.tensors,
    ({ example, input }) => {
      const baselines = samples.map((sample) =>
        sample.map((b, i) => b.subarray(example * (model.pointSizes[i] as number), (example + 1) * (model.pointSizes[i] as number))),
      );
      return straightPath(input, baselines, rule, multiply);
    },
    options,
  );
}
