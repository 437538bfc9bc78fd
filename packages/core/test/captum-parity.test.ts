import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { integratedGradients, type QuadratureMethod } from '../src/index.js';
import { IRIS_FIXTURES, irisMlpBackend } from './helpers/iris-mlp.js';
import { readNpy } from './helpers/npy.js';

interface ReferenceCase {
  id: string;
  target: number | number[];
  method: string;
  n_steps: number;
  input_file: string;
  baseline_file: string;
  attribution_file: string;
  delta: number | number[];
  target_logit_input?: number;
  target_logit_baseline?: number;
  tolerance: { attr_max_abs_err: number; sum_abs_err: number; delta_abs_err: number; logits_abs_err: number };
}

const cases = (JSON.parse(readFileSync(`${IRIS_FIXTURES}cases.json`, 'utf8')) as { cases: ReferenceCase[] }).cases;
const rules = (JSON.parse(readFileSync(new URL('./fixtures/integration_rules.json', import.meta.url), 'utf8')) as {
  rules: Record<string, { alphas: number[]; step_sizes: number[] }>;
}).rules;

const methodName = (captum: string): QuadratureMethod => captum.replace('gausslegendre', 'gauss-legendre').replace('_', '-') as QuadratureMethod;
const sum = (a: Float32Array): number => a.reduce((s, v) => s + v, 0);
const maxAbsDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);

describe('Captum parity on the iris MLP (plain TypeScript functionBackend)', () => {
  const backend = irisMlpBackend();
  for (const c of cases) {
    it(`${c.id}: attributions, sum and delta within the manifest's tolerances`, async () => {
      const input = readNpy(IRIS_FIXTURES + c.input_file);
      const baseline = readNpy(IRIS_FIXTURES + c.baseline_file);
      const reference = readNpy(IRIS_FIXTURES + c.attribution_file).data;
      const trapezoid = c.method === 'riemann_trapezoid';
      // Captum's trapezoid weights sum to (n − 1)/n; ours sum to 1 (see riemannTrapezoid).
      const scale = trapezoid ? (c.n_steps - 1) / c.n_steps : 1;
      const result = await integratedGradients(backend, input, { baselines: baseline, target: c.target, method: methodName(c.method), steps: c.n_steps });
      const ours = result.attributions[0]?.data.map((v) => v * scale) as Float32Array;
      expect(result.attributions[0]?.shape).toEqual(input.shape);
      expect(maxAbsDiff(ours, reference)).toBeLessThanOrEqual(c.tolerance.attr_max_abs_err);
      expect(Math.abs(sum(ours) - sum(reference))).toBeLessThanOrEqual(c.tolerance.sum_abs_err);
      const deltas = Array.isArray(c.delta) ? c.delta : [c.delta];
      result.reports.forEach((report, e) => {
        const start = e * 4;
        const captumDelta = sum(ours.subarray(start, start + 4)) - (report.fInput - report.fBaseline);
        expect(Math.abs(captumDelta - (deltas[e] as number))).toBeLessThanOrEqual(c.tolerance.delta_abs_err);
        if (!trapezoid) expect(Math.abs(report.delta - (deltas[e] as number))).toBeLessThanOrEqual(c.tolerance.delta_abs_err);
      });
      if (c.target_logit_input !== undefined) {
        expect(Math.abs((result.reports[0]?.fInput as number) - c.target_logit_input)).toBeLessThanOrEqual(c.tolerance.logits_abs_err);
        expect(Math.abs((result.reports[0]?.fBaseline as number) - (c.target_logit_baseline as number))).toBeLessThanOrEqual(c.tolerance.logits_abs_err);
      }

      const rule = rules[`${c.method}_${c.n_steps}`];
      if (rule !== undefined) {
        const custom = await integratedGradients(backend, input, { baselines: baseline, target: c.target, method: { alphas: rule.alphas, weights: rule.step_sizes }, steps: c.n_steps });
        expect(maxAbsDiff(custom.attributions[0]?.data as Float32Array, reference)).toBeLessThanOrEqual(c.tolerance.attr_max_abs_err);
        expect(Math.abs((custom.reports[0]?.delta as number) - (deltas[0] as number))).toBeLessThanOrEqual(c.tolerance.delta_abs_err);
      }
    });
  }
});
