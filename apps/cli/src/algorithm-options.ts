import { ALGORITHMS, NOISE_KINDS, OBJECTIVES, REDUCERS } from '@ig/core';
import type { Algorithm, NoiseKind, ObjectiveName, Reducer } from '@ig/core';
import { Option } from 'commander';
import type { Command } from 'commander';
import { UsageError } from './errors.js';

/** The attribution method and what it is applied to: `--algorithm` and its options. */
export interface AlgorithmSettings {
  readonly algorithm: Algorithm;
  readonly multiplyByInputs: boolean;
  readonly objective: ObjectiveName;
  readonly reducer: Reducer | undefined;
  readonly noise: NoiseKind | undefined;
  /** --samples: noisy copies (--noise) and draws (expected-gradients); undefined: each one's default. */
  readonly samples: number | undefined;
  readonly stdev: number | undefined;
  readonly abs: boolean;
  readonly maxSigma: number | undefined;
  readonly gradStep: number | undefined;
  readonly sqrt: boolean;
  readonly fraction: number | undefined;
  readonly maxDist: number | undefined;
  readonly baselineSet: string | undefined;
}

export function addAlgorithmOptions(command: Command): Command {
  return command
    .addOption(new Option('--algorithm <name>', 'attribution method').choices([...ALGORITHMS]).default('integrated-gradients'))
    .option('--no-multiply-by-inputs', "integrated-gradients: the path-averaged gradient, without the (x − x') factor (Captum's multiply_by_inputs=False)")
    .addOption(
      new Option('--objective <f>', 'what is differentiated: the target logit, its softmax probability, log-probability, or its margin over the runner-up')
        .choices([...OBJECTIVES])
        .default('logit'),
    )
    .addOption(new Option('--reducer <r>', 'reduce image attributions over the channels to one map per pixel (--out and --heatmap)').choices([...REDUCERS]))
    .addOption(new Option('--noise <kind>', "noise over the method (Captum's NoiseTunnel)").choices([...NOISE_KINDS]))
    .option('--samples <n>', 'noisy copies with --noise (default 5); draws of expected-gradients (default 200)')
    .option('--stdev <s>', 'standard deviation of the noise of --noise (default 1)')
    .option('--abs', 'saliency: absolute gradients')
    .option('--max-sigma <s>', 'blur-ig: blur of the path start (default 50)')
    .option('--grad-step <h>', 'blur-ig: step of the finite difference in sigma (default 0.01)')
    .option('--sqrt', 'blur-ig: square-root spacing of the sigmas')
    .option('--fraction <f>', 'guided-ig: share of features moved per step (default 0.25)')
    .option('--max-dist <d>', 'guided-ig: how far a feature may stray from the straight path (default 0.02)')
    .option('--baseline-set <DIR|file.npy>', 'expected-gradients: the reference set baselines are drawn from (an .npy [M, ...] or a folder of inputs)');
}

type Raw = Record<string, string | boolean | undefined>;

function number(raw: Raw, key: string, flag: string, min: number, max = Infinity, open = false): number | undefined {
  const text = raw[key];
  if (typeof text !== 'string') return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max || (open && n === min)) {
    throw new UsageError(`${flag} must be a number ${open ? '>' : '≥'} ${min}${max < Infinity ? ` and ≤ ${max}` : ''}, got '${text}'`);
  }
  return n;
}

export function parseAlgorithmSettings(raw: Raw): AlgorithmSettings {
  const algorithm = (typeof raw['algorithm'] === 'string' ? raw['algorithm'] : 'integrated-gradients') as Algorithm;
  const samples = number(raw, 'samples', '--samples', 1);
  if (samples !== undefined && !Number.isInteger(samples)) throw new UsageError(`--samples must be a positive integer, got '${String(raw['samples'])}'`);
  const settings: AlgorithmSettings = {
    algorithm,
    multiplyByInputs: raw['multiplyByInputs'] !== false,
    objective: (typeof raw['objective'] === 'string' ? raw['objective'] : 'logit') as ObjectiveName,
    reducer: raw['reducer'] as Reducer | undefined,
    noise: raw['noise'] as NoiseKind | undefined,
    samples,
    stdev: number(raw, 'stdev', '--stdev', 0),
    abs: raw['abs'] === true,
    maxSigma: number(raw, 'maxSigma', '--max-sigma', 0, Infinity, true),
    gradStep: number(raw, 'gradStep', '--grad-step', 0, Infinity, true),
    sqrt: raw['sqrt'] === true,
    fraction: number(raw, 'fraction', '--fraction', 0, 1),
    maxDist: number(raw, 'maxDist', '--max-dist', 0, 1),
    baselineSet: typeof raw['baselineSet'] === 'string' ? raw['baselineSet'] : undefined,
  };
  const only = (flag: string, given: boolean, allowed: Algorithm): void => {
    if (given && algorithm !== allowed) throw new UsageError(`${flag} is an option of --algorithm ${allowed}, not ${algorithm}`);
  };
  only('--no-multiply-by-inputs', !settings.multiplyByInputs, 'integrated-gradients');
  only('--abs', settings.abs, 'saliency');
  only('--max-sigma', settings.maxSigma !== undefined, 'blur-ig');
  only('--grad-step', settings.gradStep !== undefined, 'blur-ig');
  only('--sqrt', settings.sqrt, 'blur-ig');
  only('--fraction', settings.fraction !== undefined, 'guided-ig');
  only('--max-dist', settings.maxDist !== undefined, 'guided-ig');
  only('--baseline-set', settings.baselineSet !== undefined, 'expected-gradients');
  if (algorithm === 'expected-gradients' && settings.baselineSet === undefined)
    throw new UsageError('--algorithm expected-gradients needs --baseline-set DIR|file.npy');
  checkPathOptions(raw, settings);
  if (settings.stdev !== undefined && settings.noise === undefined)
    throw new UsageError('--stdev is the noise of --noise; add --noise smoothgrad|smoothgrad-sq|vargrad');
  return settings;
}

/**
 * The path options of `ig explain` that only some methods read: --baseline (integrated-gradients
 * and guided-ig; a single path for guided-ig), --method (integrated-gradients' quadrature),
 * --tolerance (methods with a path) and --samples (the noise of --noise, the draws of
 * expected-gradients). Refused, not ignored.
 */
function checkPathOptions(raw: Raw, settings: AlgorithmSettings): void {
  const { algorithm } = settings;
  const baseline = raw['baseline'];
  if (typeof baseline === 'string' && baseline !== 'zero' && algorithm !== 'integrated-gradients' && algorithm !== 'guided-ig') {
    const start =
      algorithm === 'blur-ig'
        ? ' (its path starts at the blurred input, --max-sigma)'
        : algorithm === 'expected-gradients'
          ? ' (its baselines come from --baseline-set)'
          : '';
    throw new UsageError(`--baseline is an option of --algorithm integrated-gradients and guided-ig, not ${algorithm}${start}`);
  }
  const count = raw['baselines'];
  if (algorithm === 'guided-ig' && typeof count === 'string' && Number(count) > 1)
    throw new UsageError(`--algorithm guided-ig follows one path from one baseline; drop --baselines ${count}`);
  if (typeof raw['method'] === 'string' && algorithm !== 'integrated-gradients')
    throw new UsageError(`--method is the quadrature rule of --algorithm integrated-gradients, not ${algorithm}`);
  if (typeof raw['tolerance'] === 'string' && (algorithm === 'saliency' || algorithm === 'input-x-gradient'))
    throw new UsageError(`--tolerance bounds a completeness error, which --algorithm ${algorithm} does not have: it takes one gradient per example`);
  if (settings.samples !== undefined && settings.noise === undefined && algorithm !== 'expected-gradients')
    throw new UsageError(`--samples counts the noisy copies of --noise or the draws of expected-gradients; add --noise or drop --samples`);
}

/** True when the run is plain Integrated Gradients of the linear read-out: the fast path, with --steps auto and --layer. */
export function isPlainIG(settings: AlgorithmSettings): boolean {
  return settings.algorithm === 'integrated-gradients' && settings.multiplyByInputs && settings.objective === 'logit' && settings.noise === undefined;
}

/** The method as reports name it: `--algorithm`, with its objective and noise when not the defaults. */
export function algorithmLabel(settings: AlgorithmSettings | undefined): string {
  if (settings === undefined) return 'integrated-gradients';
  const parts: string[] = [settings.algorithm];
  if (!settings.multiplyByInputs) parts.push('without multiply-by-inputs');
  if (settings.objective !== 'logit') parts.push(`of the ${settings.objective}`);
  if (settings.noise !== undefined) parts.push(`under ${settings.noise}`);
  return parts.join(' ');
}

/**
 * Refuses the combinations the other methods cannot run: --layer (plain IG only) and --steps auto
 * given to a method without the straight path. Checked before any input is computed.
 */
export function checkAlgorithmFits(
  settings: AlgorithmSettings | undefined,
  run: { readonly layer: boolean; readonly steps: number | 'auto'; readonly stepsGiven: boolean },
): void {
  if (settings === undefined || isPlainIG(settings)) return;
  if (run.layer) throw new UsageError(`--layer attributes with plain Integrated Gradients only; drop --layer or the options of ${algorithmLabel(settings)}`);
  const oneGradient = settings.algorithm === 'saliency' || settings.algorithm === 'input-x-gradient';
  if (run.stepsGiven && (oneGradient || settings.algorithm === 'expected-gradients'))
    throw new UsageError(
      `--steps is not an option of --algorithm ${settings.algorithm}: ${oneGradient ? 'it takes one gradient per example' : 'its gradient evaluations are --samples'}`,
    );
  if (settings.algorithm !== 'integrated-gradients' && run.stepsGiven && run.steps === 'auto')
    throw new UsageError(`--steps auto refines the straight path of plain Integrated Gradients; give --algorithm ${settings.algorithm} a number of steps`);
  if (run.steps === 'auto' && (settings.objective !== 'logit' || !settings.multiplyByInputs))
    throw new UsageError(
      `--steps auto refines Integrated Gradients of the target's logit (--objective logit), multiplied by inputs; give ${settings.objective !== 'logit' ? `--objective ${settings.objective}` : '--no-multiply-by-inputs'} a number of steps`,
    );
}
