import { describe, expect, it } from 'vitest';
import { integratedGradients, type QuadratureMethod } from '../src/index.js';
import { captumCases, captumRules, readCaptumNpy } from '@ig/test-fixtures';
import { irisMlpBackend } from './helpers/iris-mlp.js';

const cases = captumCases().filter((c) => c.model === 'iris_mlp');
const rules = captumRules();

const methodName = (captum: string): QuadratureMethod => captum.replace('gausslegendre', 'gauss-legendre').replace('_', '-') as QuadratureMethod;
const sum = (a: Float32Array): number => a.reduce((s, v) => s + v, 0);
const maxAbsDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);

/**
 * Float32 bounds: attributions / max |Captum|, sums / Σ |Captum|, deltas and logits /
 * (|F(x)| + |F(x′)| + Σ |Captum|). About 3× the worst case measured (IG_MEASURE=1 prints each):
 * 8.9e-7, 8.3e-7, 6.2e-7 (c1 trapezoid 300, the longest float32 accumulation) and 3.9e-8. One
 * bound serves every case: how far below it a case lands is rounding luck (some land on 0).
 */
const TOLERANCE = { attr: 3e-6, sum: 3e-6, delta: 2e-6, logit: 2e-7 };

describe('Captum parity on the iris MLP (plain TypeScript functionBackend)', () => {
  const backend = irisMlpBackend();
  for (const c of cases) {
    it(`${c.id}: attributions, sum, delta and logits at float32 tolerance`, async () => {
      const input = readCaptumNpy(c.input_file);
      const baseline = readCaptumNpy(c.baseline_file);
      const reference = readCaptumNpy(c.attribution_file).data;
      const trapezoid = c.method === 'riemann_trapezoid';
      // Captum's trapezoid weights sum to (n − 1)/n; ours sum to 1 (see riemannTrapezoid).
      const scale = trapezoid ? (c.n_steps - 1) / c.n_steps : 1;
      const result = await integratedGradients(backend, input, { baselines: baseline, target: c.target, method: methodName(c.method), steps: c.n_steps });
      const ours = result.attributions[0]?.data.map((v) => v * scale) as Float32Array;
      expect(result.attributions[0]?.shape).toEqual(input.shape);
      const maxAbs = reference.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const l1 = reference.reduce((m, v) => m + Math.abs(v), 0);
      const size = l1 + Math.max(...result.reports.map((r) => Math.abs(r.fInput) + Math.abs(r.fBaseline)));
      const deltas = Array.isArray(c.delta) ? c.delta : [c.delta];
      const deltaErrors = result.reports.flatMap((report, e) => {
        const start = e * 4;
        const captumDelta = sum(ours.subarray(start, start + 4)) - (report.fInput - report.fBaseline);
        return [captumDelta - (deltas[e] as number), trapezoid ? 0 : report.delta - (deltas[e] as number)];
      });
      const logitErrors =
        c.target_logit_input === undefined
          ? []
          : [(result.reports[0]?.fInput as number) - c.target_logit_input, (result.reports[0]?.fBaseline as number) - (c.target_logit_baseline as number)];
      const measured = {
        attr: maxAbsDiff(ours, reference) / maxAbs,
        sum: Math.abs(sum(ours) - sum(reference)) / l1,
        delta: Math.max(...deltaErrors.map(Math.abs)) / size,
        logit: Math.max(0, ...logitErrors.map(Math.abs)) / size,
      };

      const rule = rules[`${c.method}_${c.n_steps}`];
      if (rule !== undefined) {
        // Captum's own alphas and step sizes as a custom rule reproduce it without rescaling.
        const custom = await integratedGradients(backend, input, {
          baselines: baseline,
          target: c.target,
          method: { alphas: rule.alphas, weights: rule.step_sizes },
          steps: c.n_steps,
        });
        measured.attr = Math.max(measured.attr, maxAbsDiff(custom.attributions[0]?.data as Float32Array, reference) / maxAbs);
        measured.delta = Math.max(measured.delta, Math.abs((custom.reports[0]?.delta as number) - (deltas[0] as number)) / size);
      }
      if (process.env.IG_MEASURE !== undefined) console.log(JSON.stringify({ id: c.id, ...measured }));
      expect(measured.attr).toBeLessThanOrEqual(TOLERANCE.attr);
      expect(measured.sum).toBeLessThanOrEqual(TOLERANCE.sum);
      expect(measured.delta).toBeLessThanOrEqual(TOLERANCE.delta);
      expect(measured.logit).toBeLessThanOrEqual(TOLERANCE.logit);
    });
  }
});
