import { captumCases as allCases, captumPath, type CaptumCase } from '@ig/test-fixtures';
import { expect } from 'vitest';
import { ig, readFloat32Npy } from './helpers.js';

export type { CaptumCase } from '@ig/test-fixtures';

/** Captum's Integrated Gradients cases (@ig/test-fixtures); file paths go through captumPath. */
export const captumCases = allCases();

export const methodName = (m: string): string => (m === 'gausslegendre' ? 'gauss-legendre' : m.replace('_', '-'));

/** Runs `ig explain` as Captum ran the case (its target, method and steps) on the given files, quietly. */
export function explainLikeCaptum(
  c: CaptumCase,
  files: { model: string; input: string; baseline: string; out: string; report: string },
): ReturnType<typeof ig> {
  const target = Array.isArray(c.target) ? c.target.join(',') : String(c.target);
  const { model, input, baseline, out, report } = files;
  return ig([
    'explain',
    '--model',
    model,
    '--input',
    input,
    '--baseline',
    baseline,
    '--target',
    target,
    '--method',
    methodName(c.method),
    '--steps',
    String(c.n_steps),
    '--out',
    out,
    '--json',
    report,
    '--quiet',
  ]);
}

/** Captum's trapezoid steps sum to (n − 1)/n; the true trapezoid rule's attributions are n/(n − 1) of Captum's. */
export const captumScale = (c: CaptumCase): number => (c.method === 'riemann_trapezoid' ? c.n_steps / (c.n_steps - 1) : 1);

/**
 * Float32 bounds for the CLI against Captum, about 3× the worst deviation measured over every
 * case and engine here (IG_MEASURE=1 prints each): attributions relative to max |Captum|,
 * sums relative to Σ |Captum|, delta as expectDeltaMatchesCaptum says. One bound per engine
 * serves every case: how far below it a case lands is rounding luck.
 */
const TOLERANCE = {
  tfjs: { attr: 1e-6, sum: 5e-7, delta: 1e-6 }, // measured 2.2e-7, 1.8e-7, 2.6e-7
  // onnxruntime's float32 kernels round more on long paths: measured 2.6e-6, 1.7e-6, 4.7e-6 (iris c1 trapezoid 300)
  onnx: { attr: 8e-6, sum: 5e-6, delta: 1.5e-5 },
  'onnx-web': { attr: 1e-6, sum: 5e-8, delta: 1e-6 }, // one case: measured 2.1e-7, 6.5e-9
} as const;

export type Engine = keyof typeof TOLERANCE;

function measure(name: string, values: Record<string, number>): void {
  if (process.env.IG_MEASURE !== undefined) console.log(JSON.stringify({ name, ...values }));
}

/** Attributions written by the CLI (in any layout holding the same numbers) equal Captum's, scaled for trapezoid. */
export function expectMatchesCaptum(got: { data: Float32Array; shape: readonly number[] }, c: CaptumCase, engine: Engine): void {
  const want = readFloat32Npy(captumPath(c.attribution_file));
  expect(got.data.length).toBe(want.data.length);
  const scale = captumScale(c);
  let maxErr = 0;
  let maxAbs = 0;
  let l1 = 0;
  let sumGot = 0;
  let sumWant = 0;
  want.data.forEach((w, i) => {
    maxErr = Math.max(maxErr, Math.abs((got.data[i] as number) - w * scale));
    maxAbs = Math.max(maxAbs, Math.abs(w * scale));
    l1 += Math.abs(w * scale);
    sumGot += got.data[i] as number;
    sumWant += w * scale;
  });
  const measured = { attr: maxErr / maxAbs, sum: Math.abs(sumGot - sumWant) / l1 };
  measure(`${engine} ${c.id}`, measured);
  expect(measured.attr).toBeLessThanOrEqual(TOLERANCE[engine].attr);
  expect(measured.sum).toBeLessThanOrEqual(TOLERANCE[engine].sum);
}

/** The per-example part of an `ig explain --json` report. */
export interface ExampleReports {
  readonly examples: readonly { readonly fInput: number; readonly fBaseline: number; readonly delta: number }[];
}

/**
 * Each example's reported delta equals Captum's convergence delta Σ attr − (F(x) − F(x′)). With
 * the true trapezoid rule ours is larger by (scale − 1)·Σ attr_Captum (single-example cases);
 * F comes from the engine's forward pass, not from the attributions. The error is that of a
 * float32 sum and two float32 logits, so it is measured against |F(x)| + |F(x′)| + |Σ attr|.
 */
export function expectDeltaMatchesCaptum(report: ExampleReports, c: CaptumCase, engine: Engine): void {
  const deltas = Array.isArray(c.delta) ? c.delta : [c.delta];
  expect(report.examples).toHaveLength(deltas.length);
  if (deltas.length > 1 && captumScale(c) !== 1) throw new Error(`${c.id}: a batch case records no per-example sums to rescale`);
  let worst = 0;
  report.examples.forEach((example, k) => {
    const expected = (deltas[k] as number) + (captumScale(c) - 1) * c.attribution_sum;
    const size = Math.abs(example.fInput) + Math.abs(example.fBaseline) + Math.abs(c.attribution_sum);
    worst = Math.max(worst, Math.abs(example.delta - expected) / size);
  });
  measure(`${engine} ${c.id} delta`, { delta: worst });
  expect(worst).toBeLessThanOrEqual(TOLERANCE[engine].delta);
}
