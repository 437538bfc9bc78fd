/**
 * Measures the recurrent models and forms and writes what recurrent-parity.test.ts and
 * recurrent-forms.test.ts allow (test/fixtures/recurrent/tolerances.json):
 * - torch: per exported model (scripts/recurrent_references.py), the input gradients' deviation
 *   from torch autograd in float64 (max |ours − torch| / max |torch|) on onnxruntime-node and -web,
 *   and the target logit's;
 * - forms: per form (test/op-cases/recurrent.ts), the unrolled graph's outputs against
 *   onnxruntime's kernels, and per input the gradient against central differences as
 *   op-deviations.measure.ts measures it (deviation, spread, web against node). A deviation the
 *   spread does not explain fails the script, which then writes nothing.
 * Each tolerance is toleranceFor(measured): 4× the deviation or one float32 ulp, rounded up.
 * Run: `pnpm --filter @ig/onnx measure:tolerances` (or this file alone:
 * `pnpm exec vitest run --config vitest.measure.config.ts test/measure/recurrent-deviations.measure.ts`).
 */
import { expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deviation } from '../helpers/finite-differences.js';
import { recurrentDeviation, recurrentDir, recurrentModels } from '../helpers/recurrent.js';
import { runForm } from '../helpers/recurrent-forms.js';
import { STEP } from '../op-cases/index.js';
import { recurrentFormCases } from '../op-cases/recurrent.js';
import { nodeAndWebTolerances, round, toleranceFor, ULP } from './tolerance.js';

const KINK = 1e-4;

it('measures the recurrent models and forms', async () => {
  const torch = await nodeAndWebTolerances(recurrentModels, (ort, { c, opset }, provider) => recurrentDeviation(ort, c, opset, provider));
  const forms: Record<string, unknown> = {};
  const unexplained: string[] = [];
  for (const [index, c] of recurrentFormCases.entries()) {
    const run = await runForm(c, index, true);
    const inputs: Record<string, Record<string, number>> = {};
    for (const k of run.inputs) {
      const m = deviation(k.gradient, k.diffs, KINK * k.scale, c.kinked);
      let spread = 0;
      for (const d of k.diffs) if (!m.kinks.includes(d.index)) spread = Math.max(spread, Math.abs(d.central - (d.half?.central ?? NaN)) / k.scale);
      const measured = m.error / k.scale;
      if (measured > 3 * spread + ULP / (2 * (c.step ?? STEP)))
        unexplained.push(`${c.name} ∂/∂${k.input}: deviation ${measured.toExponential(2)}, spread ${spread.toExponential(2)}`);
      let web = 0;
      k.gradient.forEach((v, j) => (web = Math.max(web, Math.abs(v - (k.web[j] as number)) / k.scale)));
      inputs[k.input] = {
        deviation: round(measured),
        spread: round(spread),
        tolerance: toleranceFor(measured),
        web: round(web),
        webTolerance: toleranceFor(web),
      };
    }
    const forward = Math.max(run.forward.node, run.forward.web);
    forms[c.name] = { forward: round(forward), forwardTolerance: toleranceFor(forward), inputs };
  }
  expect(unexplained, 'deviations that the differences do not explain').toEqual([]);
  const file = join(recurrentDir, 'tolerances.json');
  writeFileSync(file, `${JSON.stringify({ method: 'test/measure/recurrent-deviations.measure.ts', torch, forms }, null, 1)}\n`);
});
