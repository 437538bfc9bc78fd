import { ShapeMismatchError, TargetError } from '../errors.js';
import { integratedGradients, type IntegratedGradientsOptions, type PathReport } from '../integrate.js';
import { resolveTargets, type TargetSpec } from '../targets.js';
import { formatShape, type Tensor } from '../tensor.js';
import type { LayerHead, LayerSplit } from './split.js';

export interface LayerIntegratedGradientsOptions<Inputs = readonly Tensor[]> extends Omit<IntegratedGradientsOptions, 'baselines' | 'attributionsInto'> {
  /**
   * The baselines in input space, given like the inputs: the same examples, or one example for
   * all (e.g. padding token ids for an embedding layer). The layer's baseline is its activation there.
   */
  readonly baselines: Inputs;
}

/** Layer attributions in one shape, whichever engine produced the split. */
export interface LayerAttributionResult {
  /** Attribution to every unit of the layer: `[N, ...layerShape]` (or `[N, T, ...layerShape]` for several targets). */
  readonly attribution: Tensor;
  /** The layer's activation at the inputs, `[N, ...layerShape]`. */
  readonly layerInput: Tensor;
  /** The layer's activation at the baselines, `[N, ...layerShape]`. */
  readonly layerBaseline: Tensor;
  /** One per (example, target), example-major; the completeness identity in the layer's space. */
  readonly reports: PathReport[];
  readonly targetsPerExample: number;
  /** The quadrature rule used (see IntegratedGradientsResult.method). */
  readonly method: string;
  readonly backend: string;
  readonly gradientEvaluations: number;
  readonly warnings: string[];
}

/**
 * Layer Integrated Gradients (Captum's LayerIntegratedGradients) on any engine's LayerSplit: per
 * example, the layer's activation moves on the straight line from its value at the baseline to
 * its value at the input while the rest of the model sees the real inputs; attributions are in
 * the layer's space and sum to F(x) − F(x′).
 */
export async function layerIntegratedGradients<Inputs>(
  split: LayerSplit<Inputs>,
  inputs: Inputs,
  options: LayerIntegratedGradientsOptions<Inputs>,
): Promise<LayerAttributionResult> {
  const { baselines, target, onProgress, ...igOptions } = options;
  const examples = split.examples(inputs);
  const baselineExamples = split.examples(baselines);
  if (examples < 1) throw new ShapeMismatchError(`layer attribution at "${split.layer}" needs at least one example; the inputs have none`);
  if (baselineExamples !== examples && baselineExamples !== 1) {
    throw new ShapeMismatchError(
      `${baselineExamples} baseline examples for ${examples} input examples at layer "${split.layer}"; give one per example or one for all`,
    );
  }
  const parts = { attribution: [] as Float32Array[], input: [] as Float32Array[], baseline: [] as Float32Array[] };
  const reports: PathReport[] = [];
  let attributionShape: readonly number[] = [];
  let layerShape: readonly number[] = [];
  let backendName = '';
  let method = '';
  let targetsPerExample = 1;
  let gradientEvaluations = 0;
  for (let n = 0; n < examples; n++) {
    const example = split.example(inputs, n);
    const atInput = await split.activation(example);
    const atBaseline = await split.activation(split.example(baselines, baselineExamples === 1 ? 0 : n));
    if (atInput.data.length !== atBaseline.data.length) {
      throw new ShapeMismatchError(
        `layer "${split.layer}" has shape ${formatShape(atInput.shape)} at the input but ${formatShape(atBaseline.shape)} at the baseline of example ${n}`,
      );
    }
    const head = await split.head(example);
    try {
      const exampleTarget = target === undefined ? undefined : await targetOfExample(target, n, examples, head, atInput);
      const result = await integratedGradients(head.backend, [atInput, ...head.held], {
        ...igOptions,
        baselines: [atBaseline, ...head.held],
        ...(exampleTarget === undefined ? {} : { target: exampleTarget }),
        ...(onProgress ? { onProgress: (done: number, total: number) => onProgress(n * total + done, examples * total) } : {}),
      });
      const attribution = result.attributions[0] as Tensor;
      parts.attribution.push(attribution.data);
      parts.input.push(atInput.data);
      parts.baseline.push(atBaseline.data);
      attributionShape = attribution.shape.slice(1);
      layerShape = atInput.shape.slice(1);
      backendName = result.backend;
      method = result.method;
      targetsPerExample = result.targetsPerExample;
      gradientEvaluations += result.gradientEvaluations;
      for (const report of result.reports) reports.push({ ...report, example: n });
    } finally {
      await head.release();
    }
  }
  return {
    attribution: { data: concat(parts.attribution), shape: [examples, ...attributionShape] },
    layerInput: { data: concat(parts.input), shape: [examples, ...layerShape] },
    layerBaseline: { data: concat(parts.baseline), shape: [examples, ...layerShape] },
    reports,
    targetsPerExample,
    method,
    backend: backendName,
    gradientEvaluations,
    warnings: reports.flatMap((report) => (report.warning ? [report.warning] : [])),
  };
}

/** The part of a target spec for the whole batch that concerns example `n`, as a spec for one example. */
async function targetOfExample(target: TargetSpec, n: number, examples: number, head: LayerHead, activation: Tensor): Promise<TargetSpec> {
  if (Array.isArray(target)) {
    const rows = target as readonly (number | readonly number[])[];
    if (rows.length !== examples) throw new TargetError(`target lists ${rows.length} entries but the input has ${examples} examples; give one per example`);
    return [rows[n] as number | readonly number[]] as TargetSpec;
  }
  if (typeof target !== 'object' || !('weights' in target) || examples === 1) return target;
  // One weight row per example or one for all: the head's output size tells which.
  const points = [activation, ...head.held];
  const output = await head.backend.predict({ points: points.map((t) => t.data), pointShapes: points.map((t) => t.shape.slice(1)), count: 1 });
  const resolved = resolveTargets(target, examples, output.length);
  return { weights: resolved.weights.slice(n * output.length, (n + 1) * output.length) };
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
