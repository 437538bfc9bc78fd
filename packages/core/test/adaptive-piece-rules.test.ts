import { describe, expect, it } from 'vitest';
import { refineAdaptively } from '../src/adaptive-steps.js';
import type { PieceRule } from '../src/adaptive-mesh.js';
import type { PathPlan } from '../src/path-plan.js';
import { PathRunner } from '../src/path-runner.js';
import type { GradientBackend } from '../src/index.js';
import { softplusOfLinear } from './helpers/closed-forms.js';
import { irisMlpBackend } from './helpers/iris-mlp.js';
import { captumData } from '@ig/test-fixtures';
import { kinkedNetwork } from './helpers/relu-paths.js';

/** Evaluations the adaptive rule spends on one path to `tolerance`, with a given piece rule. */
async function evaluationsTo(
  backend: GradientBackend,
  x: Float32Array,
  baseline: Float32Array,
  outputs: number,
  target: number,
  tolerance: number,
  rule: PieceRule,
): Promise<number> {
  const objective = new Float32Array(outputs);
  objective[target] = 1;
  const f = await backend.predict({ points: [Float32Array.of(...x, ...baseline)], pointShapes: [[x.length]], count: 2 });
  const path: PathPlan = {
    example: 0,
    slot: 0,
    sample: 0,
    input: [x],
    baseline: [baseline],
    objective,
    fInput: f[target] as number,
    fBaseline: f[outputs + target] as number,
  };
  const runner = new PathRunner({
    backend,
    pointShapes: [[x.length]],
    pointSizes: [x.length],
    outputSize: outputs,
    batchSize: 64,
    signal: undefined,
    onPoints: () => undefined,
  });
  const result = await refineAdaptively(runner, [path], { tolerance, maxSteps: 4097, pointSizes: [x.length], onPlan: () => undefined, rule });
  runner.release();
  return result.steps[0] as number;
}

/**
 * Why the pieces are Simpson pairs: on a smooth path Simpson's rule reaches a tolerance with a
 * fraction of the trapezoid's points; on ReLU kinks both halve a kink's error per point, and
 * Simpson pairs spend about an eighth more. Counts measured (trapezoid → Simpson pairs) are in
 * the comments.
 */
describe('adaptive piece rule: Simpson pairs against the trapezoid on each piece', () => {
  it('needs far fewer evaluations on a smooth path', async () => {
    const form = softplusOfLinear([2.7, -1.4, 3.1, 1.25, -2.9], 0.3);
    const x = Float32Array.of(0.9, -1.3, 0.4, 1.7, -0.6);
    const b = Float32Array.of(0.2, 0.5, -0.3, 0.1, 0.7);
    // 1e-4: 46 → 15; 1e-6: 179 (stopped at rounding, 1.5e-5) → 35.
    for (const tolerance of [1e-4, 1e-6]) {
      const trapezoid = await evaluationsTo(form.backend, x, b, 1, 0, tolerance, 'trapezoid');
      const simpson = await evaluationsTo(form.backend, x, b, 1, 0, tolerance, 'simpson-pairs');
      expect(simpson * 2.5).toBeLessThan(trapezoid);
    }
  });

  it('needs about as many on kinked paths (hand-built ReLU network, iris MLP)', async () => {
    const net = kinkedNetwork([0.3, 0.61, 0.77, 0.13], 1);
    const ones = Float32Array.of(1, 1, 1);
    const zeros = new Float32Array(3);
    const input = captumData('iris_mlp', 'input_batch3').data;
    const cases: [GradientBackend, Float32Array, Float32Array, number, number][] = [
      [net.backend, ones, zeros, 1, 0],
      ...[0, 1, 2].map((e): [GradientBackend, Float32Array, Float32Array, number, number] => [
        irisMlpBackend(),
        input.slice(4 * e, 4 * e + 4),
        new Float32Array(4),
        3,
        e,
      ]),
    ];
    let trapezoidTotal = 0;
    let simpsonTotal = 0;
    for (const [backend, x, b, outputs, target] of cases) {
      for (const tolerance of [1e-2, 1e-3, 1e-4]) {
        trapezoidTotal += await evaluationsTo(backend, x, b, outputs, target, tolerance, 'trapezoid');
        simpsonTotal += await evaluationsTo(backend, x, b, outputs, target, tolerance, 'simpson-pairs');
      }
    }
    // Measured: 262 evaluations (trapezoid) against 297 (Simpson pairs) over these 12 runs.
    expect(simpsonTotal).toBeLessThan(1.2 * trapezoidTotal);
  });
});
