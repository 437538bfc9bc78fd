import type * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { integratedGradients, type IntegratedGradientsOptions, type Tensor } from '@ig/core';
import { tfjsBackend } from '../src/index.js';
import { NODE_BACKENDS, useBackend } from './helpers/backends.js';
import { buildIrisMlp, buildSmallCnn, captumRule, loadReference, nchwToNhwc, nhwcToNchw, referenceCases, type ReferenceCase } from './helpers/reference.js';
import type { MaxPoolTieRule } from './helpers/small-cnn-reference.js';
import { replayTieRule } from './helpers/tie-replay.js';

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

/** The max-pool tie rule of each tfjs backend (checked in tie-rules.test.ts). */
const TIE_RULES: Record<(typeof NODE_BACKENDS)[number], MaxPoolTieRule> = { cpu: 'first', wasm: 'last' };

/**
 * Float32 tolerances per backend, about 3× the worst deviation measured over all 37 cases
 * (IG_MEASURE=1 prints each case's): cpu attr 3.3e-7, sum 2.5e-7, logit 1.5e-7; wasm attr
 * 8.2e-7, sum 3.3e-7, logit 7.4e-7 (its kernels sum in another order). One bound per backend
 * serves every case: how far below it a case lands is rounding luck (some land on 0).
 */
const TOLERANCE: Record<(typeof NODE_BACKENDS)[number], { attr: number; sum: number; logit: number }> = {
  /** attr: max |ours − Captum| / max |Captum|; sum: |Σ ours − Σ Captum| / Σ |Captum|; logit: |F − F_Captum| / max |logit|. */
  cpu: { attr: 1e-6, sum: 1e-6, logit: 5e-7 },
  wasm: { attr: 3e-6, sum: 1e-6, logit: 2e-6 },
};

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

    const replay =
      c.model === 'small_cnn'
        ? replayTieRule(
            loadReference(c.input_file).data,
            loadReference(c.baseline_file).data,
            c.target as number,
            captumRule(c.method, c.n_steps),
            TIE_RULES[backendName],
          )
        : undefined;
    const expected = replay === undefined ? reference.data : reference.data.map((v, i) => v + (replay.correction[i] as number));
    const scale = Math.max(...Array.from(expected, Math.abs));
    const l1 = expected.reduce((total, v) => total + Math.abs(v), 0);
    const targets = Array.isArray(c.target) ? c.target : [c.target];
    const logitsInput = (Array.isArray(c.logits_input[0]) ? c.logits_input : [c.logits_input]) as number[][];
    const logitsBaseline = (Array.isArray(c.logits_baseline[0]) ? c.logits_baseline : [c.logits_baseline]) as number[][];
    const logitScale = Math.max(1e-3, ...logitsInput.flat().map(Math.abs));
    const measured = {
      attr: maxAbsDiff(ours, expected) / scale,
      sum: Math.abs(sum(ours) - sum(expected)) / l1,
      logit:
        Math.max(
          ...result.reports.flatMap((report, example) => {
            const target = targets[example] as number;
            return [report.fInput - (logitsInput[example]?.[target] as number), report.fBaseline - (logitsBaseline[example]?.[target] as number)].map(Math.abs);
          }),
        ) / logitScale,
      delta: result.reports.length === 1 ? Math.abs((result.reports[0]?.delta ?? NaN) - (c.delta as number) - (replay?.sum ?? 0)) / l1 : 0,
    };
    if (process.env.IG_MEASURE !== undefined) console.log(JSON.stringify({ backend: backendName, id: c.id, ...measured }));
    const tolerance = TOLERANCE[backendName];
    expect(measured.attr).toBeLessThanOrEqual(tolerance.attr);
    expect(measured.sum).toBeLessThanOrEqual(tolerance.sum);
    expect(measured.logit).toBeLessThanOrEqual(tolerance.logit);
    // delta = Σ attr − (F(x) − F(x′)): its error is at most the sum's plus two logits'.
    expect(measured.delta).toBeLessThanOrEqual(tolerance.sum + (2 * tolerance.logit * logitScale) / l1);
  });
});
