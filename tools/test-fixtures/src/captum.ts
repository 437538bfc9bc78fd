import { readNpy, type NpyArray } from './npy.js';
import { captumPath, readJson, type CaptumModel } from './paths.js';

/** One case of the Captum manifest (captum/manifest.json); file paths are relative to the tree. */
export interface CaptumCase {
  readonly id: string;
  readonly model: CaptumModel;
  readonly model_file: string;
  readonly algorithm: string;
  readonly case: string;
  readonly input_file: string;
  readonly input_shape: number[];
  readonly baseline_file: string;
  readonly baseline_kind: string;
  readonly target: number | number[];
  readonly method: string;
  readonly n_steps: number;
  readonly attribution_file: string;
  readonly attribution_shape: number[];
  readonly attribution_sum: number;
  readonly attribution_max_abs: number;
  /** Captum's convergence delta: one number, or one per example of a batch case. */
  readonly delta: number | number[];
  readonly target_logit_input?: number;
  readonly target_logit_baseline?: number;
  readonly logits_input: number[] | number[][];
  readonly logits_baseline: number[] | number[][];
  readonly tolerance: {
    readonly attr_max_abs_err: number;
    readonly sum_abs_err: number;
    readonly logits_abs_err: number;
    readonly delta_abs_err: number;
  };
}

/** The NoiseTunnel(smoothgrad) case over IG, with the noise Captum drew. */
export interface NoiseTunnelCase extends CaptumCase {
  readonly noise_file: string;
  readonly nt_samples: number;
  readonly nt_type: string;
  readonly stdevs: number;
}

interface Manifest {
  readonly tolerances: { readonly rule: string };
  readonly conventions: Record<string, string>;
  readonly cases: readonly CaptumCase[];
}

let manifest: Manifest | undefined;
export function captumManifest(): Manifest {
  manifest ??= readJson<Manifest>(captumPath('manifest.json'));
  return manifest;
}

/** The plain Integrated Gradients cases (every case but the NoiseTunnel one). */
export function captumCases(): readonly CaptumCase[] {
  return captumManifest().cases.filter((c) => c.algorithm === 'IntegratedGradients');
}

export function captumCase(id: string): CaptumCase {
  const found = captumCases().find((c) => c.id === id);
  if (found === undefined) throw new Error(`no Captum case ${id}`);
  return found;
}

export function noiseTunnelCases(): readonly NoiseTunnelCase[] {
  return captumManifest().cases.filter((c) => c.algorithm.startsWith('NoiseTunnel')) as NoiseTunnelCase[];
}

/** Captum's exact alphas and step sizes (as `weights`) for a method and step count. */
export function captumRule(method: string, steps: number): { alphas: number[]; weights: number[] } {
  const rule = captumRules()[`${method}_${steps}`];
  if (rule === undefined) throw new Error(`no Captum integration rule ${method}_${steps}`);
  return { alphas: rule.alphas, weights: rule.step_sizes };
}

export interface CaptumIntegrationRule {
  readonly method: string;
  readonly n_steps: number;
  readonly alphas: number[];
  readonly step_sizes: number[];
}

let rules: Record<string, CaptumIntegrationRule> | undefined;
/** Every rule of integration_rules.json, by `<method>_<n>`. */
export function captumRules(): Record<string, CaptumIntegrationRule> {
  rules ??= readJson<{ rules: Record<string, CaptumIntegrationRule> }>(captumPath('integration_rules.json')).rules;
  return rules;
}

/** A .npy file of the tree by its manifest path, e.g. `data/iris_mlp/input_batch3.npy`. */
export const readCaptumNpy = (file: string): NpyArray => readNpy(captumPath(file));

/** A weight in PyTorch layout (Linear [out, in], Conv [out, in, kh, kw]), e.g. captumWeight('iris_mlp', 'net.0.weight'). */
export const captumWeight = (model: CaptumModel, name: string): NpyArray => readNpy(captumPath('weights', model, `${name}.npy`));

/** An input, baseline or other data file of a model, e.g. captumData('small_cnn', 'input0'). */
export const captumData = (model: CaptumModel, name: string): NpyArray => readNpy(captumPath('data', model, `${name}.npy`));

export interface CaptumCaseData {
  readonly input: NpyArray;
  readonly baseline: NpyArray;
  /** Captum's attribution. */
  readonly expected: Float32Array;
  /** Captum's exact alphas and step sizes for the case's method and step count. */
  readonly rule: { alphas: number[]; weights: number[] };
}

export function loadCaptumCase(c: CaptumCase): CaptumCaseData {
  return {
    input: readCaptumNpy(c.input_file),
    baseline: readCaptumNpy(c.baseline_file),
    expected: readCaptumNpy(c.attribution_file).data,
    rule: captumRule(c.method, c.n_steps),
  };
}
