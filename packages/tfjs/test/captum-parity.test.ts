import type * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { integratedGradients, type IntegratedGradientsOptions, type Tensor } from '@ig/core';
import { tfjsBackend } from '../src/index.js';
import { NODE_BACKENDS, useBackend } from './helpers/backends.js';
import {
  buildIrisMlp,
  buildSmallCnn,
  captumRule,
  loadReference,
  nchwToNhwc,
  nhwcToNchw,
  referenceCases,
  type ReferenceCase,
} from './helpers/reference.js';

const NAMED_METHODS: Record<string, IntegratedGradientsOptions['method']> = {
  gausslegendre: 'gauss-legendre',
  riemann_left: 'riemann-left',
  riemann_right: 'riemann-right',
  riemann_middle: 'riemann-middle',
};

/** Captum's trapezoid weights sum to (n−1)/n, so that case replays Captum's exact rule. */
function methodOf(c: ReferenceCase): IntegratedGradientsOptions['method'] {
  return NAMED_METHODS[c.method] ?? captumRule(c.method, c.n_steps);
}

/** The case's input and baseline in the tfjs model's layout (NHWC for the CNN). */
function tensorsOf(c: ReferenceCase): { input: Tensor; baseline: Tensor } {
  const input = loadReference(c.input_file);
  const baseline = loadReference(c.baseline_file);
  if (c.model === 'iris_mlp') return { input, baseline };
  const [n, ch, h, w] = input.shape as [number, number, number, number];
  return {
    input: { data: nchwToNhwc(input.data, input.shape), shape: [n, h, w, ch] },
    baseline: { data: nchwToNhwc(baseline.data, baseline.shape), shape: [n, h, w, ch] },
  };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

/**
 * At α = 0 a zero or constant baseline makes every max-pool window a tie. PyTorch and the tfjs
 * cpu kernel send the gradient to the first maximum, the wasm kernel to the last; the manifest
 * bounds how much that one choice moves each case's attribution.
 */
function tieBreakAllowance(c: ReferenceCase, backendName: string): number {
  const change = c.alpha0_sample?.maxpool_last_index_tiebreak_change_over_attr_max_abs;
  if (backendName !== 'wasm' || change === undefined) return 0;
  return change * c.attribution_max_abs;
}

const sum = (values: Float32Array): number => values.reduce((total, v) => total + v, 0);

describe.each(NODE_BACKENDS)('Captum parity on tfjs %s', (backendName) => {
  let models: Record<ReferenceCase['model'], tf.LayersModel>;

  beforeAll(async () => {
    await useBackend(backendName);
    models = { iris_mlp: buildIrisMlp(), small_cnn: buildSmallCnn() };
  });
  afterAll(() => {
    models.iris_mlp.dispose();
    models.small_cnn.dispose();
  });

  test.each(referenceCases().map((c) => [c.id, c] as const))('%s matches Captum', async (_id, c) => {
    const { input, baseline } = tensorsOf(c);
    const backend = tfjsBackend(models[c.model]);
    const result = await integratedGradients(backend, input, {
      baselines: baseline,
      target: c.target,
      method: methodOf(c),
      steps: c.n_steps,
    });
    const attribution = result.attributions[0] as Tensor;
    const reference = loadReference(c.attribution_file);
    const ours = c.model === 'small_cnn' ? nhwcToNchw(attribution.data, [...attribution.shape]) : attribution.data;

    const tieBreak = tieBreakAllowance(c, backendName);
    expect(maxAbsDiff(ours, reference.data)).toBeLessThanOrEqual(c.tolerance.attr_max_abs_err + tieBreak);
    const targets = Array.isArray(c.target) ? c.target : [c.target];
    const logitsInput = (Array.isArray(c.logits_input[0]) ? c.logits_input : [c.logits_input]) as number[][];
    const logitsBaseline = (Array.isArray(c.logits_baseline[0]) ? c.logits_baseline : [c.logits_baseline]) as number[][];
    result.reports.forEach((report, example) => {
      const target = targets[example] as number;
      expect(Math.abs(report.fInput - (logitsInput[example]?.[target] as number))).toBeLessThanOrEqual(c.tolerance.logits_abs_err);
      expect(Math.abs(report.fBaseline - (logitsBaseline[example]?.[target] as number))).toBeLessThanOrEqual(c.tolerance.logits_abs_err);
    });
    // The tie-break moves gradient between pixels of a window, so sums and deltas are only
    // comparable where the backend breaks ties as PyTorch does.
    if (tieBreak > 0) return;
    expect(Math.abs(sum(ours) - sum(reference.data))).toBeLessThanOrEqual(c.tolerance.sum_abs_err);

    if (result.reports.length === 1) {
      expect(Math.abs((result.reports[0]?.delta ?? NaN) - c.delta)).toBeLessThanOrEqual(c.tolerance.delta_abs_err);
    }
  });
});
