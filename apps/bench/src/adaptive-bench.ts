/**
 * Gradient evaluations to 1% and 0.1% relative completeness on the bench models (noise images by seed, zero
 * baseline, top class; onnxruntime-node, CPU, 2 threads, every rule through the per-batch gradient
 * graph in batches of 6) for `steps: 'auto'` with the adaptive rule, the nested rule, and the
 * smallest N of fixed Gauss–Legendre and trapezoid rules that reaches each tolerance (see
 * fixed-rule-search.ts), and the smallest N of a ladder (doubling, plus 50, 100, 200) from which
 * every larger N of the ladder meets it (`steady`: the N a user could pick without knowing the
 * answer), and per model the smallest ladder N that meets it on all of the model's images at once
 * (`perModel`, see per-model-fixed.ts). Evaluations are what each rule asks the backend for; points shared
 * between rules on the same path are computed once (caching-backend.ts), and the time per computed
 * evaluation gives each rule's estimated wall time. The adaptive rule and the best fixed rule at 1%
 * are then also timed as real, uncached runs.
 * Cases run in the order below until IG_BENCH_ADAPTIVE_SECONDS (default 720) have passed (a case
 * started before then runs to its end); the rest are written as skipped.
 * IG_BENCH_ADAPTIVE_CASES (e.g. `resnet18:mean-shifted`, comma-separated) runs only those;
 * IG_BENCH_ADAPTIVE_AUTO_CAP and IG_BENCH_ADAPTIVE_FIXED_CAP replace every case's caps (to settle a
 * case where a rule ran out of points).
 * Writes bench-results/adaptive.json.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { integratedGradients, type GradientBackend, type IntegratedGradientsOptions } from '@ig/core';
import { onnxBackend } from '@ig/onnx/node';
import { cachingBackend } from './caching-backend.js';
import { smallestN, steadyLadder, steadyN } from './fixed-rule-search.js';
import { perModelFixed, type BenchRow } from './per-model-fixed.js';
import { topClass } from './ig-run.js';
import { IMAGE_SHAPE, loadModel, sampleImage, type Architecture, type Variant } from './models.js';
import { seconds } from './timing.js';

const SESSION = { intraOpNumThreads: 2, interOpNumThreads: 1 };
const TOLERANCES = [0.01, 0.001];
const BUDGET_SECONDS = Number(process.env['IG_BENCH_ADAPTIVE_SECONDS'] ?? 720);
/** The batch size the core derives for a 224×224×3 input from its default memory budget. */
const BATCH = 6;
/**
 * [model, BatchNorm variant, most points per path for the auto rules, largest fixed N tried, seed
 * of the noise image]. Images 6, 2 and 7 on the mean-shifted ResNet-18 are paths whose fixed rules
 * converge erratically (Gauss–Legendre 50 / 100: 3.4% / 3.6%, 1.3% / 1.6%, 0.4% / 2.4%).
 */
const ALL_CASES: readonly [Architecture, Variant, number, number, number][] = [
  ['resnet18', 'mean-shifted', 513, 256, 1],
  ['resnet18', 'mean-shifted', 1025, 256, 6],
  ['resnet18', 'mean-shifted', 1025, 256, 2],
  ['resnet18', 'mean-shifted', 1025, 256, 7],
  ['resnet18', 'unit-variance', 513, 256, 1],
  ['googlenet', 'unit-variance', 513, 256, 1],
  ['mobilenet_v2', 'unit-variance', 513, 256, 1],
  ['googlenet', 'mean-shifted', 257, 128, 1],
  ['mobilenet_v2', 'mean-shifted', 257, 128, 1],
];
/** `model:variant` selects every image of that pair, `model:variant:seed` one image. */
const only = process.env['IG_BENCH_ADAPTIVE_CASES']?.split(',');
const capOverride = (name: string): number | undefined => {
  const text = process.env[name];
  if (text === undefined) return undefined;
  const cap = Number(text);
  if (!Number.isInteger(cap) || cap < 2) throw new Error(`${name} must be an integer of at least 2, got '${text}'`);
  return cap;
};
const autoCapOverride = capOverride('IG_BENCH_ADAPTIVE_AUTO_CAP');
const fixedCapOverride = capOverride('IG_BENCH_ADAPTIVE_FIXED_CAP');
const CASES = (
  only === undefined
    ? ALL_CASES
    : ALL_CASES.filter(([name, variant, , , seed]) => only.includes(`${name}:${variant}`) || only.includes(`${name}:${variant}:${seed}`))
).map(([name, variant, autoCap, fixedCap, seed]) => [name, variant, autoCapOverride ?? autoCap, fixedCapOverride ?? fixedCap, seed] as const);

const started = performance.now();
const elapsed = (): number => (performance.now() - started) / 1000;
const report: Record<string, unknown> = {
  node: process.version,
  cpu: cpus()[0]?.model,
  threads: 2,
  date: new Date().toISOString(),
  budgetSeconds: BUDGET_SECONDS,
  tolerances: TOLERANCES,
  cases: CASES.map(([model, variant, autoCap, fixedCap, image]) => ({ model, variant, autoCap, fixedCap, image })),
  rows: [],
  skipped: [],
};

function writeReport(): void {
  mkdirSync('bench-results', { recursive: true });
  report.seconds = elapsed();
  writeFileSync('bench-results/adaptive.json.tmp', `${JSON.stringify(report, null, 2)}\n`);
  renameSync('bench-results/adaptive.json.tmp', 'bench-results/adaptive.json');
}

async function run(backend: GradientBackend, image: Float32Array, options: IntegratedGradientsOptions) {
  const result = await integratedGradients(backend, { data: image, shape: IMAGE_SHAPE }, { batchSize: BATCH, ...options });
  const r = result.reports[0];
  return { evaluations: result.gradientEvaluations, relativeError: r?.relativeError ?? NaN, ...(r?.refinement ? { refinement: r.refinement } : {}) };
}

async function benchCase(name: Architecture, variant: Variant, autoCap: number, fixedCap: number, imageSeed: number) {
  const model = loadModel(name, variant);
  if ('missing' in model) return { skipped: model.missing };
  const backend = await onnxBackend(model.bytes, { executionProviders: ['cpu'], sessionOptions: SESSION, fused: false });
  const image = sampleImage(imageSeed);
  const target = await topClass(backend, image);
  const shared = cachingBackend(backend, [0, 50_000, 100_000, 150_000]);
  const auto = { adaptive: [] as Awaited<ReturnType<typeof run>>[], nested: [] as Awaited<ReturnType<typeof run>>[] };
  for (const tolerance of TOLERANCES) {
    auto.adaptive.push(await run(shared.backend, image, { target, steps: 'auto', tolerance, maxSteps: autoCap }));
    auto.nested.push(await run(shared.backend, image, { target, steps: 'auto', autoRule: 'nested', tolerance, maxSteps: autoCap }));
  }
  const errorOf = (method: 'gauss-legendre' | 'riemann-trapezoid') => async (n: number) =>
    (await run(shared.backend, image, { target, steps: n, method })).relativeError;
  const fixed = {
    'gauss-legendre': await smallestN(errorOf('gauss-legendre'), 1, fixedCap, TOLERANCES),
    'riemann-trapezoid': await smallestN(errorOf('riemann-trapezoid'), 2, fixedCap + 1, TOLERANCES),
  };
  const steady = {
    'gauss-legendre': await steadyN(errorOf('gauss-legendre'), steadyLadder(1, fixedCap), TOLERANCES),
    'riemann-trapezoid': await steadyN(errorOf('riemann-trapezoid'), steadyLadder(2, fixedCap + 1), TOLERANCES),
  };
  const bestSteady = (t: number): number | null => {
    const ns = Object.values(steady).flatMap((rule) => (rule[t]?.n == null ? [] : [rule[t]?.n as number]));
    return ns.length > 0 ? Math.min(...ns) : null;
  };
  const secondsPerEvaluation = shared.seconds() / shared.computed();
  const rows = TOLERANCES.map((tolerance, t) => {
    const adaptive = auto.adaptive[t] as Awaited<ReturnType<typeof run>>;
    const nested = auto.nested[t] as Awaited<ReturnType<typeof run>>;
    const fixedNs = Object.values(fixed).flatMap((f) => (f[t]?.n == null ? [] : [f[t]?.n as number]));
    const bestFixed = fixedNs.length > 0 ? Math.min(...fixedNs) : null;
    const estimate = (evaluations: number) => ({ estimatedSeconds: evaluations * secondsPerEvaluation });
    const reached = (r: { relativeError: number }) => r.relativeError <= tolerance;
    return {
      model: name,
      variant,
      image: imageSeed,
      target,
      tolerance,
      adaptive: { ...adaptive, reached: reached(adaptive), ...estimate(adaptive.evaluations) },
      nested: { ...nested, reached: reached(nested), ...estimate(nested.evaluations) },
      'gauss-legendre': { ...fixed['gauss-legendre'][t], ...estimate(fixed['gauss-legendre'][t]?.n ?? NaN), steady: steady['gauss-legendre'][t] },
      'riemann-trapezoid': { ...fixed['riemann-trapezoid'][t], ...estimate(fixed['riemann-trapezoid'][t]?.n ?? NaN), steady: steady['riemann-trapezoid'][t] },
      bestFixed,
      adaptiveOverNested: reached(nested) ? adaptive.evaluations / nested.evaluations : null,
      adaptiveOverBestFixed: bestFixed === null ? null : adaptive.evaluations / bestFixed,
      bestSteadyFixed: bestSteady(t),
      adaptiveOverBestSteadyFixed: bestSteady(t) === null ? null : adaptive.evaluations / (bestSteady(t) as number),
    };
  });
  for (const row of rows) {
    const fixedText = (['gauss-legendre', 'riemann-trapezoid'] as const)
      .map((rule) => `${rule} ${row[rule].n ?? `> ${row[rule].largestTried}`} (steady from ${row[rule].steady?.n ?? 'none tried'})`)
      .join(', ');
    const autoText = (label: string, r: { evaluations: number; relativeError: number; reached: boolean }) =>
      `${label} ${r.evaluations}${r.reached ? '' : ` (not reached: ${(r.relativeError * 100).toPrecision(3)}%)`}`;
    console.log(
      `${name} (${variant}, image ${imageSeed}) ${row.tolerance * 100}%: evaluations ${autoText('adaptive', row.adaptive)}, ${autoText('nested', row.nested)}, ${fixedText}`,
    );
  }
  // Real, uncached runs at 1%: the adaptive rule (rounds of few points) against the best fixed rule.
  const timed: Record<string, unknown> = { secondsPerEvaluation, computedEvaluations: shared.computed() };
  const bestAt1 = rows[0]?.bestFixed;
  if (elapsed() < BUDGET_SECONDS && bestAt1 != null) {
    const method = rows[0]?.['gauss-legendre'].n === bestAt1 ? 'gauss-legendre' : 'riemann-trapezoid';
    const adaptiveRun = await seconds(() => run(backend, image, { target, steps: 'auto', tolerance: 0.01, maxSteps: autoCap }));
    const fixedRun = await seconds(() => run(backend, image, { target, steps: bestAt1, method }));
    Object.assign(timed, {
      adaptiveSeconds: adaptiveRun.seconds,
      bestFixed: { method, n: bestAt1, seconds: fixedRun.seconds },
      adaptiveOverBestFixedSeconds: adaptiveRun.seconds / fixedRun.seconds,
    });
    console.log(
      `${name} (${variant}, image ${imageSeed}) 1%, real runs: adaptive ${adaptiveRun.seconds.toFixed(1)} s, ${method} N=${bestAt1} ${fixedRun.seconds.toFixed(1)} s`,
    );
  }
  await backend.dispose();
  return { rows: rows.map((row) => ({ ...row, timed1Percent: timed })) };
}

for (const [name, variant, autoCap, fixedCap, imageSeed] of CASES) {
  if (elapsed() > BUDGET_SECONDS) {
    (report.skipped as unknown[]).push({
      model: name,
      variant,
      image: imageSeed,
      reason: `time budget of ${BUDGET_SECONDS} s spent (${elapsed().toFixed(0)} s)`,
    });
    console.log(`${name} (${variant}, image ${imageSeed}): skipped, time budget spent`);
    writeReport();
    continue;
  }
  const result = await benchCase(name, variant, autoCap, fixedCap, imageSeed);
  if ('skipped' in result) {
    console.log(result.skipped);
    (report.skipped as unknown[]).push({ model: name, variant, image: imageSeed, reason: result.skipped });
  } else (report.rows as unknown[]).push(...result.rows);
  writeReport();
}
const perModel = perModelFixed(report.rows as BenchRow[]);
report.perModel = perModel;
for (const m of perModel) {
  console.log(
    `${m.model} (${m.variant}) ${m.tolerance * 100}%, one N for images ${m.images.join(', ')}: gauss-legendre ${m.fixed['gauss-legendre'] ?? 'none'}, riemann-trapezoid ${m.fixed['riemann-trapezoid'] ?? 'none'}; adaptive ${m.adaptive.map((n) => n ?? 'not reached').join(', ')}`,
  );
}
writeReport();
console.log('wrote bench-results/adaptive.json');
