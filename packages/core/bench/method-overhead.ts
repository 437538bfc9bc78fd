/**
 * The core's own work per path point for each gradient method, with a backend that does no work,
 * as a ratio to the straight-line fast path (integratedGradients, unfused) measured in the same
 * run: what a non-straight path (blur, guided, expected-gradients' random lines) and a non-linear
 * objective (the softmax probability: a forward pass per batch and the chain rule per point) add.
 * One 64×64×3 image (Blur IG's blur at σ up to 50 and Guided IG's per-step sort grow with the
 * image), 64 points per path, default batch size, best of the repeats.
 * Writes bench-results/method-overhead.json.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import {
  blurIG,
  expectedGradients,
  guidedIG,
  integratedGradients,
  integratedGradientsMethod,
  saliency,
  type GradientBackend,
  type Objective,
} from '../src/index.js';

const SHAPE = [1, 64, 64, 3];
const SIZE = 64 * 64 * 3;
const STEPS = 64;
const REPEATS = 5;
const OUTPUTS = 10;

/** Gradients and outputs from preallocated arrays: the backend costs nothing. */
function zeroCostBackend(): GradientBackend {
  const pattern = new Float32Array(256 * SIZE).map((_, i) => ((i % 97) - 48) / 97);
  const output = new Float32Array(256 * OUTPUTS).map((_, i) => (i % OUTPUTS) / 10);
  return {
    name: 'zero-cost',
    predict: async (batch) => output.subarray(0, batch.count * OUTPUTS),
    gradients: async (request) => ({ objective: output.subarray(0, request.count), gradients: [pattern.subarray(0, request.count * SIZE)] }),
    dispose: () => undefined,
  };
}

/** The linear read-out declared non-linear: the straight line through the path engine instead of the fast path. */
const linearThroughEngine: Objective = {
  name: 'logit through the engine',
  linear: false,
  value: (z, t) => t.reduce((s, w, j) => s + w * (z[j] as number), 0),
  outputWeights: (_z, t, out) => out.set(t),
};

async function main(): Promise<void> {
  const backend = zeroCostBackend();
  const input = { data: new Float32Array(SIZE).map((_, i) => Math.sin(i) * 0.5 + 0.5), shape: SHAPE };
  const references = { data: new Float32Array(4 * SIZE).map((_, i) => Math.cos(i) * 0.5 + 0.5), shape: [4, 64, 64, 3] };
  const rows: [string, number, () => Promise<unknown>][] = [
    ['straight line, integratedGradients (fast path)', STEPS, () => integratedGradients(backend, input, { target: 0, steps: STEPS })],
    [
      'straight line through the path engine',
      STEPS,
      () => integratedGradientsMethod(backend, input, { target: 0, steps: STEPS, objective: linearThroughEngine }),
    ],
    ['straight line, probability objective', STEPS, () => integratedGradientsMethod(backend, input, { target: 0, steps: STEPS, objective: 'probability' })],
    ['straight line, multiplyByInputs false', STEPS, () => integratedGradientsMethod(backend, input, { target: 0, steps: STEPS, multiplyByInputs: false })],
    ['expected-gradients (random lines)', STEPS, () => expectedGradients(backend, input, { target: 0, samples: STEPS, references })],
    ['blur-ig (maxSigma 50)', STEPS, () => blurIG(backend, input, { target: 0, steps: STEPS })],
    ['guided-ig (fraction 0.25, maxDist 0.02)', STEPS, () => guidedIG(backend, input, { target: 0, steps: STEPS })],
    ['saliency (one point)', 1, () => saliency(backend, input, { target: 0 })],
  ];
  // Untimed: every row once, so that no row depends on its place in the list.
  for (const [, , run] of rows) await run();
  const perPoint: number[] = [];
  for (const [, points, run] of rows) {
    const seconds: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const start = process.hrtime.bigint();
      await run();
      seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
    }
    perPoint.push(Math.min(...seconds) / points);
  }
  const straight = perPoint[0] as number;
  const results = rows.map(([name, points], k) => ({
    method: name,
    points,
    secondsPerPoint: perPoint[k] as number,
    ratioToStraight: (perPoint[k] as number) / straight,
  }));
  for (const r of results)
    console.log(
      `${r.method.padEnd(48)} ${(r.secondsPerPoint * 1e6).toFixed(1).padStart(9)} µs per point = ${r.ratioToStraight.toFixed(2)}× the straight fast path`,
    );
  const report = {
    benchmark: 'core overhead per path point of each gradient method, zero-cost backend, ratio to the straight-line fast path in the same run',
    input: SHAPE,
    steps: STEPS,
    repeats: REPEATS,
    statistic: 'best of repeats after one untimed pass over all rows',
    results,
    node: process.version,
    cpu: cpus()[0]?.model,
    date: new Date().toISOString(),
  };
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/method-overhead.json.tmp', `${JSON.stringify(report, null, 2)}\n`);
  renameSync('bench-results/method-overhead.json.tmp', 'bench-results/method-overhead.json');
  console.log('wrote bench-results/method-overhead.json');
}

await main();
