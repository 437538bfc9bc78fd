/**
 * How far each rule's attributions are from the exact ones, feature by feature, where the
 * adaptive-steps bench (adaptive-bench.ts) only compares completeness, a sum. Per case (model,
 * BatchNorm variant, noise image; zero baseline, top class; onnxruntime-node, CPU, 2 threads): a
 * Gauss–Legendre reference of REFERENCE points (its own spread: the L1 gap to half as many), then
 * for `steps: 'auto'` at 1% and 0.1% (with and without `checkMidpoint`) and fixed Gauss–Legendre
 * rules of a few N, the evaluations, the relative completeness error, and the L1 distance to the
 * reference over Σ|reference| (`l1`) and over |F(x) − F(x')| (`l1OverChange`, the scale of the
 * completeness error). Writes bench-results/adaptive-accuracy.json.
 * IG_BENCH_ACCURACY_CASES (e.g. `resnet18:mean-shifted:7`, comma-separated) runs only those.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { integratedGradients, type GradientBackend, type IntegratedGradientsOptions } from '@ig/core';
import { onnxBackend } from '@ig/onnx/node';
import { topClass } from './ig-run.js';
import { IMAGE_SHAPE, loadModel, sampleImage, type Architecture, type Variant } from './models.js';

const SESSION = { intraOpNumThreads: 2, interOpNumThreads: 1 };
const BATCH = 6;
/** [model, variant, image seed, reference points]: the unit-variance paths are smooth, the mean-shifted ResNet-18's are not. */
const ALL_CASES: readonly [Architecture, Variant, number, number][] = [
  ['resnet18', 'unit-variance', 1, 256],
  ['googlenet', 'unit-variance', 1, 256],
  ['mobilenet_v2', 'unit-variance', 1, 256],
  ['resnet18', 'mean-shifted', 7, 1024],
  ['resnet18', 'mean-shifted', 2, 1024],
];
const FIXED_N = [1, 8, 16, 50, 128];
const only = process.env['IG_BENCH_ACCURACY_CASES']?.split(',');
const CASES = only === undefined ? ALL_CASES : ALL_CASES.filter(([m, v, seed]) => only.includes(`${m}:${v}:${seed}`));

interface Measured {
  readonly evaluations: number;
  readonly relativeError: number;
  readonly attributions: Float32Array;
}

async function measure(backend: GradientBackend, image: Float32Array, options: IntegratedGradientsOptions): Promise<Measured> {
  const result = await integratedGradients(backend, { data: image, shape: IMAGE_SHAPE }, { batchSize: BATCH, ...options });
  return {
    evaluations: result.gradientEvaluations,
    relativeError: result.reports[0]?.relativeError ?? Number.NaN,
    attributions: result.attributions[0]?.data ?? new Float32Array(),
  };
}

function l1Distance(a: Float32Array, b: Float32Array): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += Math.abs((a[i] as number) - (b[i] as number));
  return total;
}

async function accuracyCase(name: Architecture, variant: Variant, seed: number, referencePoints: number) {
  const model = loadModel(name, variant);
  if ('missing' in model) return { model: name, variant, image: seed, skipped: model.missing };
  const backend = await onnxBackend(model.bytes, { executionProviders: ['cpu'], sessionOptions: SESSION, fused: false });
  const image = sampleImage(seed);
  const target = await topClass(backend, image);
  const reference = await measure(backend, image, { target, steps: referencePoints });
  const half = await measure(backend, image, { target, steps: referencePoints / 2 });
  const absReference = reference.attributions.reduce((t, a) => t + Math.abs(a), 0);
  const predicted = await integratedGradients(backend, { data: image, shape: IMAGE_SHAPE }, { target, steps: 1 });
  const report = predicted.reports[0];
  const change = Math.abs((report?.fInput ?? Number.NaN) - (report?.fBaseline ?? Number.NaN));
  const row = (label: string, m: Measured) => {
    const distance = l1Distance(m.attributions, reference.attributions);
    console.log(
      `${name} (${variant}, image ${seed}) ${label}: ${m.evaluations} evaluations, completeness ${(m.relativeError * 100).toPrecision(3)}%, L1 to the reference ${((distance / absReference) * 100).toPrecision(3)}% of Σ|attr| (${((distance / change) * 100).toPrecision(3)}% of |ΔF|)`,
    );
    return { rule: label, evaluations: m.evaluations, relativeError: m.relativeError, l1: distance / absReference, l1OverChange: distance / change };
  };
  const rows = [row(`reference spread (GL-${referencePoints / 2})`, half)];
  for (const tolerance of [0.01, 0.001]) {
    rows.push(row(`auto ${tolerance * 100}%`, await measure(backend, image, { target, steps: 'auto', tolerance })));
    rows.push(row(`auto ${tolerance * 100}% checkMidpoint`, await measure(backend, image, { target, steps: 'auto', tolerance, checkMidpoint: true })));
  }
  for (const n of FIXED_N) rows.push(row(`GL-${n}`, await measure(backend, image, { target, steps: n })));
  await backend.dispose();
  return { model: name, variant, image: seed, target, referencePoints, referenceError: reference.relativeError, sumAbsReference: absReference, change, rows };
}

const report = { node: process.version, cpu: cpus()[0]?.model, threads: 2, date: new Date().toISOString(), cases: [] as unknown[] };
for (const [name, variant, seed, referencePoints] of CASES) {
  report.cases.push(await accuracyCase(name, variant, seed, referencePoints));
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/adaptive-accuracy.json.tmp', `${JSON.stringify(report, null, 2)}\n`);
  renameSync('bench-results/adaptive-accuracy.json.tmp', 'bench-results/adaptive-accuracy.json');
}
console.log('wrote bench-results/adaptive-accuracy.json');
