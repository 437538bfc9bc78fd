import type { Inputs } from '../inputs.js';
import type { GradientBackend } from '../backend.js';
import { resolveBaselines, type BaselineSpec, type BaselineValue } from '../baselines.js';
import { InvalidOptionError } from '../errors.js';
import { checkPositiveInteger, normalizeInputs } from '../validate.js';
import { runPathMethod, type AttributionResult, type PathMethodOptions } from './path-engine.js';
import type { GradientPath } from './path.js';

export interface GuidedIGOptions extends PathMethodOptions {
  /** One baseline (default 0), as for integratedGradients; several are not averaged here. */
  readonly baselines?: BaselineValue | readonly BaselineValue[];
  /** Steps of the path (default 200). */
  readonly steps?: number;
  /** Share of the features, those of smallest |gradient|, moved at each step (default 0.25). */
  readonly fraction?: number;
  /** How far, as a share of the straight path, a feature may lead or lag it (default 0.02; 0 is IG with the left Riemann rule). */
  readonly maxDist?: number;
}

const EPSILON = 1e-9;

function checkShare(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new InvalidOptionError(`${name} must be a number in [0, 1], got ${String(value)}`);
  return value;
}

/** The `fraction` quantile of |g| with numpy's 'lower' interpolation: sorted[⌊fraction·(n − 1)⌋]. */
function lowerQuantile(values: Float64Array, fraction: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.floor(fraction * (sorted.length - 1))] as number;
}

/**
 * Guided IG (Kapishnikov et al., CVPR 2021), as PAIR saliency's guided_ig: from the baseline, each
 * step moves the features with the smallest |gradient| towards the input until the L1 distance
 * to the input has shrunk by 1/steps, no feature straying more than maxDist from the straight
 * path; attribution Σ gradient ⊙ (move). All model inputs form one feature vector.
 */
export async function guidedIG(backend: GradientBackend, inputs: Inputs, options: GuidedIGOptions = {}): Promise<AttributionResult> {
  const model = normalizeInputs(inputs);
  const steps = checkPositiveInteger(options.steps ?? 200, 'steps');
  const fraction = checkShare(options.fraction ?? 0.25, 'fraction');
  const maxDist = checkShare(options.maxDist ?? 0.02, 'maxDist');
  const baselines = options.baselines as BaselineSpec | undefined;
  if (baselines !== undefined && typeof baselines === 'object' && 'average' in baselines)
    throw new InvalidOptionError('guided-ig follows one path: give one baseline, not { average }');
  const [baseline] = resolveBaselines(baselines ?? 0, model.tensors) as Float32Array[][];
  const sizes = model.pointSizes;
  const total = sizes.reduce((a, b) => a + b, 0);
  return runPathMethod(
    'guided-ig',
    backend,
    model.tensors,
    ({ example, input }): GradientPath => {
      const views = (baseline as Float32Array[]).map((b, i) => b.subarray(example * (sizes[i] as number), (example + 1) * (sizes[i] as number)));
      const flat = (parts: readonly Float32Array[]): Float64Array => {
        const out = new Float64Array(total);
        let offset = 0;
        for (const part of parts) out.set(part, (offset += part.length) - part.length);
        return out;
      };
      const xIn = flat(input);
      const xBase = flat(views);
      const x = Float64Array.from(xBase);
      let l1Total = 0;
      for (let j = 0; j < total; j++) l1Total += Math.abs((xIn[j] as number) - (xBase[j] as number));
      const stepCount = l1Total === 0 ? 0 : steps;
      let step = 0;
      const write = (values: Float64Array, out: readonly Float32Array[]): void => {
        let offset = 0;
        for (const part of out) for (let j = 0; j < part.length; j++) part[j] = values[offset++] as number;
      };
      return {
        starts: [views],
        lookahead: 1,
        next(out) {
          if (step === stepCount) return false;
          write(x, out);
          return true;
        },
        displacement(gradients, out) {
          const grad = flat(gradients);
          const before = Float64Array.from(x);
          const alpha = (step + 1) / steps;
          const alphaMin = Math.max(alpha - maxDist, 0);
          const alphaMax = Math.min(alpha + maxDist, 1);
          const at = (a: number, j: number): number => (xBase[j] as number) + ((xIn[j] as number) - (xBase[j] as number)) * a;
          const l1Target = l1Total * (1 - (step + 1) / steps);
          for (let gamma = Infinity; gamma > 1;) {
            let l1Current = 0;
            for (let j = 0; j < total; j++) {
              const diff = (xIn[j] as number) - (xBase[j] as number);
              const xAlpha = diff !== 0 ? ((x[j] as number) - (xBase[j] as number)) / diff : alphaMax;
              if (xAlpha < alphaMin) x[j] = at(alphaMin, j);
              l1Current += Math.abs((x[j] as number) - (xIn[j] as number));
            }
            if (Math.abs(l1Target - l1Current) <= Math.max(EPSILON * Math.max(Math.abs(l1Target), Math.abs(l1Current)), EPSILON)) break;
            for (let j = 0; j < total; j++) if (x[j] === at(alphaMax, j)) grad[j] = Infinity;
            const threshold = lowerQuantile(grad.map(Math.abs), fraction);
            const selected = (j: number): boolean => Math.abs(grad[j] as number) <= threshold && grad[j] !== Infinity;
            let l1Selected = 0;
            for (let j = 0; j < total; j++) if (selected(j)) l1Selected += Math.abs((x[j] as number) - at(alphaMax, j));
            // Nothing left to move (every feature at its bound): the step ends where it is.
            if (!(l1Selected > 0)) break;
            gamma = (l1Current - l1Target) / l1Selected;
            if (gamma <= 0) break;
            for (let j = 0; j < total; j++) {
              if (!selected(j)) continue;
              const target = at(alphaMax, j);
              x[j] = gamma > 1 ? target : (x[j] as number) + (target - (x[j] as number)) * gamma;
            }
          }
          let offset = 0;
          for (const part of out) for (let j = 0; j < part.length; j++, offset++) part[j] = (x[offset] as number) - (before[offset] as number);
          step++;
        },
      };
    },
    options,
  );
}
