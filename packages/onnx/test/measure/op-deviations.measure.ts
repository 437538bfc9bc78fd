/**
 * Measures the float32 deviation of every per-op case and writes the tolerances that
 * op-gradients.test.ts reads (test/op-cases/tolerances.json). Run: `pnpm --filter @ig/onnx measure:tolerances`.
 *
 * For each case and input, with the gradient g, the central difference C(h) (h = 1e-2) and C(h/2):
 * - deviation: max |g − C(h)| / scale at elements away from kinks (at a kink: the closest of the
 *   central and one-sided differences), scale = max(1, max |g|);
 * - spread: max |C(h) − C(h/2)| / scale away from kinks, the difference quotient's own error
 *   (truncation ∝ h², rounding ∝ 1/h) estimated without g;
 * - web: max |g(onnxruntime-web wasm) − g(onnxruntime-node)| / scale.
 * A deviation that the spread does not explain (deviation > 3·spread + ulp/(2h), the rounding of
 * one float32 output near 1 seen through one quotient) points at a wrong rule, not at noise: the
 * script then writes nothing and fails, naming the case.
 * Tolerance = 4 × max(deviation, ulp), rounded up to one significant digit (so within 8× of the
 * deviation); the same for web.
 */
import { expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeModel } from '../helpers/model.js';
import { gradientOf, runtimes } from '../helpers/ort.js';
import { rng, uniform } from '../helpers/random.js';
import { deviation } from '../helpers/finite-differences.js';
import { inputsOf, opCases, runOpCase, STEP, toleranceKey } from '../op-cases/index.js';
import { toleranceFor, ULP } from './tolerance.js';

/** |forward − backward| above this (relative to the scale) marks a kink while measuring. */
const KINK = 1e-4;

it('measures every op case', async () => {
  const entries: Record<string, { deviation: number; spread: number; tolerance: number; web: number; webTolerance: number }> = {};
  const unexplained: string[] = [];
  for (const [index, c] of opCases.entries()) {
    const coarse = await runOpCase(c, index, true);
    const bytes = makeModel(c.model);
    const feeds = inputsOf(c, 1000 + index);
    const seedOf = (n: number): Float32Array => uniform(rng(7 + index), n, -1, 1);
    const web = await gradientOf(runtimes.web, bytes, feeds, seedOf, { inputs: c.check, provider: 'wasm' });
    coarse.forEach((k) => {
      const m = deviation(k.gradient, k.diffs, KINK * k.scale, k.kinked);
      let spread = 0;
      for (const d of k.diffs) if (!m.kinks.includes(d.index)) spread = Math.max(spread, Math.abs(d.central - (d.half?.central ?? NaN)) / k.scale);
      const measured = m.error / k.scale;
      if (measured > 3 * spread + ULP / (2 * (c.step ?? STEP)))
        unexplained.push(`${toleranceKey(c, k.input)}: deviation ${measured.toExponential(2)}, spread ${spread.toExponential(2)}`);
      const w = web.gradients[k.input] as Float32Array;
      let webDeviation = 0;
      k.gradient.forEach((v, j) => (webDeviation = Math.max(webDeviation, Math.abs(v - (w[j] as number)) / k.scale)));
      entries[toleranceKey(c, k.input)] = {
        deviation: Number(measured.toPrecision(2)),
        spread: Number(spread.toPrecision(2)),
        tolerance: toleranceFor(measured),
        web: Number(webDeviation.toPrecision(2)),
        webTolerance: toleranceFor(webDeviation),
      };
    });
  }
  expect(unexplained, 'deviations that the differences do not explain').toEqual([]);
  const file = join(import.meta.dirname, '..', 'op-cases', 'tolerances.json');
  writeFileSync(file, `${JSON.stringify({ defaultStep: STEP, method: 'test/measure/op-deviations.measure.ts', cases: entries }, null, 1)}\n`);
}, 900_000);
