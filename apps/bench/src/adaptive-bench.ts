/**
 * Gradient evaluations and wall time to 1% and 0.1% relative completeness, on the bench models
 * (onnxruntime-node, CPU, 2 threads), for `steps: 'auto'` with the adaptive rule, the nested rule,
 * and the smallest N of fixed Gauss–Legendre and trapezoid rules that reaches each tolerance (see
 * fixed-rule-search.ts; found from the path integrand, then timed as one IG run at that N).
 * Cases run in the order below until IG_BENCH_ADAPTIVE_SECONDS (default 720) have passed (a case
 * started before then runs to its end); the rest are written as skipped.
 * IG_BENCH_ADAPTIVE_CASES (e.g. `resnet18:mean-shifted`, comma-separated) runs only those.
 * Writes bench-results/adaptive.json.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { integratedGradients, type GradientBackend, type IntegratedGradientsOptions } from '@ig/core';
import { onnxBackend } from '@ig/onnx/node';
import { smallestFixedN, pathIntegrand, type FixedRule } from './fixed-rule-search.js';
import { topClass } from './ig-run.js';
import { IMAGE_SHAPE, loadModel, sampleImage, type Architecture, type Variant } from './models.js';
import { seconds } from './timing.js';

const SESSION = { intraOpNumThreads: 2, interOpNumThreads: 1 };
const TOLERANCES = [0.01, 0.001];
const BUDGET_SECONDS = Number(process.env['IG_BENCH_ADAPTIVE_SECONDS'] ?? 720);
/** The batch size the core derives for a 224×224×3 input from its default memory budget. */
const BATCH = 6;
/** [model, BatchNorm variant, most points per path any rule may use]. */
const ALL_CASES: readonly [Architecture, Variant, number][] = [
  ['resnet18', 'mean-shifted', 1025],
  ['resnet18', 'unit-variance', 1025],
  ['googlenet', 'unit-variance', 1025],
  ['mobilenet_v2', 'unit-variance', 1025],
  ['googlenet', 'mean-shifted', 257],
  ['mobilenet_v2', 'mean-shifted', 257],
];
const only = process.env['IG_BENCH_ADAPTIVE_CASES']?.split(',');
const CASES = only === undefined ? ALL_CASES : ALL_CASES.filter(([name, variant]) => only.includes(`${name}:${variant}`));

const started = performance.now();
const report: Record<string, unknown> = { node: process.version, cpu: cpus()[0]?.model, threads: 2, date: new Date().toISOString(), budgetSeconds: BUDGET_SECONDS, tolerances: TOLERANCES, cases: CASES.map(([name, variant, cap]) => ({ model: name, variant, cap })), rows: [], skipped: [] };

function writeReport(): void {
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/adaptive.json.tmp', `${JSON.stringify(report, null, 2)}\n`);
  renameSync('bench-results/adaptive.json.tmp', 'bench-results/adaptive.json');
}

const pointShape = IMAGE_SHAPE.slice(1);

/** Builds the sessions of every batch layout the runs below use, so no timed run pays for one. */
async function warmUp(backend: GradientBackend, image: Float32Array, target: number): Promise<void> {
  for (let count = 1; count <= BATCH; count++) {
    await integratedGradients(backend, { data: image, shape: IMAGE_SHAPE }, { target, steps: count, batchSize: BATCH });
    const outputWeights = new Float32Array(count * 1000);
    for (let k = 0; k < count; k++) outputWeights[k * 1000 + target] = 1;
    await backend.gradients({ points: [new Float32Array(count * image.length).fill(0.5)], pointShapes: [pointShape], count, outputWeights });
  }
}

async function timedRun(backend: GradientBackend, image: Float32Array, options: IntegratedGradientsOptions) {
  const run = await seconds(() => integratedGradients(backend, { data: image, shape: IMAGE_SHAPE }, { batchSize: BATCH, ...options }));
  const r = run.value.reports[0];
  return { evaluations: run.value.gradientEvaluations, relativeError: r?.relativeError ?? NaN, seconds: run.seconds, refinement: r?.refinement };
}

async function benchCase(name: Architecture, variant: Variant, cap: number) {
  const model = loadModel(name, variant);
  if ('missing' in model) return { model: name, variant, skipped: model.missing };
  const backend = await onnxBackend(model.bytes, { executionProviders: ['cpu'], sessionOptions: SESSION });
  const image = sampleImage();
  const target = await topClass(backend, image);
  await warmUp(backend, image, target);
  const atEnds = new Float32Array(2 * image.length);
  atEnds.set(image);
  const ends = await backend.predict({ points: [atEnds], pointShapes: [pointShape], count: 2 });
  const fDifference = (ends[target] as number) - (ends[1000 + target] as number);
  const integrand = pathIntegrand(backend, image, pointShape, target, 1000, BATCH);
  const fixed: Record<FixedRule, Awaited<ReturnType<typeof smallestFixedN>>> = {
    'gauss-legendre': await smallestFixedN('gauss-legendre', integrand, fDifference, TOLERANCES, cap),
    'riemann-trapezoid': await smallestFixedN('riemann-trapezoid', integrand, fDifference, TOLERANCES, cap),
  };
  const rows = [];
  for (const [t, tolerance] of TOLERANCES.entries()) {
    const adaptive = await timedRun(backend, image, { target, steps: 'auto', tolerance, maxSteps: cap });
    const nested = await timedRun(backend, image, { target, steps: 'auto', autoRule: 'nested', tolerance, maxSteps: cap });
    const fixedRows: Record<string, unknown> = {};
    const fixedEvaluations: number[] = [];
    for (const rule of ['gauss-legendre', 'riemann-trapezoid'] as const) {
      const found = fixed[rule][t];
      if (found?.n == null) {
        fixedRows[rule] = { reached: false, searchedUpTo: found?.searchedUpTo };
        continue;
      }
      fixedEvaluations.push(found.n);
      fixedRows[rule] = { reached: true, n: found.n, ...(await timedRun(backend, image, { target, steps: found.n, method: rule })) };
    }
    const reached = (r: { relativeError: number }) => r.relativeError <= tolerance;
    const bestFixed = fixedEvaluations.length > 0 ? Math.min(...fixedEvaluations) : null;
    const row = {
      model: name,
      variant,
      target,
      tolerance,
      cap,
      adaptive: { ...adaptive, reached: reached(adaptive) },
      nested: { ...nested, reached: reached(nested) },
      ...fixedRows,
      adaptiveOverNested: adaptive.evaluations / nested.evaluations,
      adaptiveOverBestFixed: bestFixed === null ? null : adaptive.evaluations / bestFixed,
    };
    const fixedText = (['gauss-legendre', 'riemann-trapezoid'] as const)
      .map((rule) => {
        const f = fixedRows[rule] as { reached: boolean; n?: number; seconds?: number };
        return `${rule} ${f.reached ? `N=${f.n} ${f.seconds?.toFixed(1)} s` : `not within ${cap}`}`;
      })
      .join(', ');
    console.log(
      `${name} (${variant}) ${tolerance * 100}%: adaptive ${adaptive.evaluations} evaluations ${adaptive.seconds.toFixed(1)} s (error ${(adaptive.relativeError * 100).toPrecision(3)}%), ` +
        `nested ${nested.evaluations} ${nested.seconds.toFixed(1)} s (error ${(nested.relativeError * 100).toPrecision(3)}%), ${fixedText}`,
    );
    rows.push(row);
  }
  await backend.dispose();
  return { model: name, variant, searchEvaluations: integrand.evaluations(), rows };
}

for (const [name, variant, cap] of CASES) {
  const elapsed = (performance.now() - started) / 1000;
  if (elapsed > BUDGET_SECONDS) {
    (report.skipped as unknown[]).push({ model: name, variant, reason: `time budget of ${BUDGET_SECONDS} s spent (${elapsed.toFixed(0)} s)` });
    console.log(`${name} (${variant}): skipped, time budget spent`);
    writeReport();
    continue;
  }
  const result = await benchCase(name, variant, cap);
  if ('skipped' in result) {
    console.log(result.skipped);
    (report.skipped as unknown[]).push(result);
  } else (report.rows as unknown[]).push(...result.rows.map((row) => ({ ...row, searchEvaluations: result.searchEvaluations })));
  report.seconds = (performance.now() - started) / 1000;
  writeReport();
}
console.log('wrote bench-results/adaptive.json');
