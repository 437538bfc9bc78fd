/**
 * Time to the first explanation, GoogLeNet and ResNet-18 at 224×224 (the bench's weights), CPU:
 * - `ig explain` wall time, whole process, for IG-1, IG-50, IG-100 (Gauss–Legendre, zero
 *   baseline) with an empty graph cache (cold) and with it filled (warm), median of REPEATS;
 * - the library's warm IG-50 (same backend, sessions built, 2 threads; in calls of 5 points as the
 *   CLI makes them, and of the core's default 6) and a bare process start;
 * - how the fused session's fixed run size pays for a short last run (padding) against a session
 *   built for exactly that size (what a symbolic batch axis could at best do);
 * - whether caching onnxruntime's optimized model would pay (see optimized-reload.ts);
 * - PyTorch IG-50 (autograd, as Captum computes it) on the same weights, same run.
 * Goals: (T50 − T1)/49 through the CLI ≤ 1.15× the warm library's per-point time; cached CLI
 * IG-50 ≤ 1.3× (warm library IG-50 + process start); IG-100 ≤ 2.1× IG-50. The first two are
 * ratios per repeat against a library IG-50 timed beside that repeat's CLI runs; the median is reported.
 * Writes bench-results/cold-start.json.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnxBackend } from '@ig/onnx/node';
import { igExplain, processStartSeconds, writeNpy, type CliRun } from './cli-runs.js';
import { explainSample } from './ig-run.js';
import { IMAGE_SHAPE, loadModel, MODELS_DIR, sampleImage, type Architecture } from './models.js';
import { optimizedReload } from './optimized-reload.js';
import { pytorchSpeed } from './pytorch-speed.js';
import { seconds } from './timing.js';

const REPEATS = Number(process.env['IG_COLD_START_REPEATS'] ?? 3);
/** For a quick check of the script: IG_COLD_START_MODELS=resnet18 IG_COLD_START_REPEATS=1 IG_COLD_START_TORCH=0. */
const MODELS = (process.env['IG_COLD_START_MODELS'] ?? 'googlenet,resnet18').split(',') as Architecture[];
const STEPS = [1, 50, 100] as const;
const SESSION = { intraOpNumThreads: 2, interOpNumThreads: 1 };
const report: Record<string, unknown> = {
  node: process.version,
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  repeats: REPEATS,
  date: new Date().toISOString(),
};

function writeReport(): void {
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/cold-start.json.tmp', `${JSON.stringify(report, null, 2)}\n`);
  renameSync('bench-results/cold-start.json.tmp', 'bench-results/cold-start.json');
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

const work = mkdtempSync(join(tmpdir(), 'ig-cold-start-'));
const image = join(work, 'image.npy');
writeNpy(image, sampleImage(), IMAGE_SHAPE);

/**
 * CLI runs, cold and warm interleaved per repeat so that load swings hit both alike; each repeat
 * also times the library's warm IG-50 (`timeLibrary`) right beside its CLI runs, so the goals'
 * ratios are taken per repeat, under the same load, and their median reported.
 */
async function cliRuns(name: Architecture, timeLibrary: () => Promise<number>) {
  const model = `${MODELS_DIR}${name}.onnx`;
  const warmDir = join(work, `${name}-warm`);
  const args = (steps: number, dir: string): string[] => ['--model', model, '--input', image, '--steps', String(steps), '--cache-dir', dir];
  // Fill the warm cache (IG-1 builds a 1-point graph, IG-50 and IG-100 share one of 5 points).
  for (const steps of STEPS) igExplain(args(steps, warmDir), join(work, 'fill.json'));
  const runs: Record<string, CliRun[]> = {};
  const librarySeconds: number[] = [];
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    librarySeconds.push(await timeLibrary());
    for (const steps of STEPS) {
      const coldDir = join(work, `${name}-cold-${repeat}-${steps}`);
      (runs[`cold${steps}`] ??= []).push(igExplain(args(steps, coldDir), join(work, 'cold.json')));
      rmSync(coldDir, { recursive: true, force: true });
      (runs[`warm${steps}`] ??= []).push(igExplain(args(steps, warmDir), join(work, 'warm.json')));
    }
  }
  const rows = Object.fromEntries(
    Object.entries(runs).map(([key, list]) => {
      const wall = list.map((r) => r.wallSeconds);
      const middle = list[wall.indexOf(median(wall))] ?? list[0];
      return [
        key,
        {
          wallSeconds: median(wall),
          wallRange: [Math.min(...wall), Math.max(...wall)],
          breakdownOfMedianRun: middle?.time,
          relativeError: middle?.relativeError,
        },
      ];
    }),
  ) as Record<string, { wallSeconds: number; breakdownOfMedianRun: unknown }>;
  const walls = (key: string): number[] => (runs[key] ?? []).map((r) => r.wallSeconds);
  return { rows, walls, librarySeconds };
}

/**
 * Warm library IG-50 (median of REPEATS after one untimed run) in calls of 5 points, as `ig
 * explain --steps 50` runs it (see apps/cli/src/run-size.ts), and in the core's default calls of
 * 6 (the last padded); then the padded last run against an exact one.
 */
async function libraryRuns(name: Architecture) {
  const loaded = loadModel(name);
  if ('missing' in loaded) throw new Error(loaded.missing);
  const timeIg50 = async (batchSize: number | undefined) => {
    const b = await onnxBackend(loaded.bytes, { sessionOptions: SESSION });
    await explainSample(b, 50, batchSize);
    const list: number[] = [];
    for (let k = 0; k < REPEATS; k++) list.push((await seconds(() => explainSample(b, 50, batchSize))).seconds);
    return { backend: b, seconds: median(list), range: [Math.min(...list), Math.max(...list)] };
  };
  const asCli = await timeIg50(5);
  const timeAsCli = async (): Promise<number> => (await seconds(() => explainSample(asCli.backend, 50, 5))).seconds;
  const byDefault = await timeIg50(undefined);
  const backend = byDefault.backend;
  // The last run of IG-50 in runs of 6 holds 2 points: on the 6-point session (padded) or on a
  // session built for 2 (exact static shapes: the best a symbolic batch axis could do).
  const exact = await onnxBackend(loaded.bytes, { sessionOptions: SESSION, pointsPerRun: 2 });
  const point = sampleImage();
  const request = (alphas: readonly number[]) => ({
    input: [point],
    baseline: [new Float32Array(point.length)],
    pointShapes: [IMAGE_SHAPE.slice(1)],
    alphas: Float32Array.from(alphas),
    weights: Float32Array.from(alphas, () => 1 / alphas.length),
    outputWeights: new Float32Array(1000).fill(0.001),
  });
  const timeRuns = async (b: typeof backend, alphas: readonly number[]): Promise<number> => {
    await b.integrate?.(request(alphas));
    const list: number[] = [];
    for (let k = 0; k < 5; k++) list.push((await seconds(async () => b.integrate?.(request(alphas)))).seconds);
    return median(list);
  };
  const paddedRun = await timeRuns(backend, [0.3, 0.7]);
  const exactRun = await timeRuns(exact, [0.3, 0.7]);
  const sixRun = await timeRuns(backend, [0.1, 0.25, 0.4, 0.55, 0.7, 0.85]);
  await Promise.all([backend.dispose(), exact.dispose()]);
  return {
    timeAsCli,
    disposeAsCli: () => asCli.backend.dispose(),
    ig50Seconds: asCli.seconds,
    ig50Range: asCli.range,
    perPointSeconds: asCli.seconds / 50,
    ig50DefaultBatchSeconds: byDefault.seconds,
    ig50DefaultBatchRange: byDefault.range,
    lastRunOf2: { paddedTo6Seconds: paddedRun, exact2Seconds: exactRun, sixPointRunSeconds: sixRun },
    statsOfDefaultBatchBackend: backend.stats,
  };
}

const rows: Record<string, unknown>[] = [];
for (const name of MODELS) {
  const start = processStartSeconds();
  const { timeAsCli, disposeAsCli, ...library } = await libraryRuns(name);
  const { rows: cli, walls, librarySeconds } = await cliRuns(name, timeAsCli);
  await disposeAsCli();
  const wall = (key: string): number => cli[key]?.wallSeconds ?? Number.NaN;
  // Per repeat r: the CLI's runs and the library's IG-50 timed beside them, under the same load.
  const perRepeat = (ratio: (r: number, lib: number) => number): number[] => librarySeconds.map((lib, r) => ratio(r, lib));
  const at = (key: string, r: number): number => walls(key)[r] ?? Number.NaN;
  const marginalRatios = perRepeat((r, lib) => (at('cold50', r) - at('cold1', r)) / 49 / (lib / 50));
  const marginalWarmRatios = perRepeat((r, lib) => (at('warm50', r) - at('warm1', r)) / 49 / (lib / 50));
  const cachedRatios = perRepeat((r, lib) => at('warm50', r) / (lib + start));
  const goals = {
    marginalPerPointOverLibrary: {
      value: median(marginalRatios),
      perRepeat: marginalRatios,
      warmCacheValue: median(marginalWarmRatios),
      warmCachePerRepeat: marginalWarmRatios,
      goal: 1.15,
    },
    cachedIg50OverLibraryPlusStart: { value: median(cachedRatios), perRepeat: cachedRatios, goal: 1.3 },
    ig100OverIg50: { cold: wall('cold100') / wall('cold50'), warm: wall('warm100') / wall('warm50'), goal: 2.1 },
  };
  const libraryBeside = { seconds: median(librarySeconds), perRepeat: librarySeconds };
  const loaded = loadModel(name);
  const optimized = 'missing' in loaded ? null : await optimizedReload(loaded.bytes);
  const row = { model: name, processStartSeconds: start, library: { ...library, besideCliRuns: libraryBeside }, cli, goals, optimizedModelCache: optimized };
  rows.push(row);
  report.models = rows;
  writeReport();
  console.log(
    `${name}: ig explain cold IG-1/50/100 ${['cold1', 'cold50', 'cold100'].map((k) => wall(k).toFixed(2)).join(' / ')} s, warm ${['warm1', 'warm50', 'warm100'].map((k) => wall(k).toFixed(2)).join(' / ')} s; ` +
      `library warm IG-50 ${libraryBeside.seconds.toFixed(2)} s beside the CLI runs (${library.ig50Seconds.toFixed(2)} s before them), process start ${start.toFixed(2)} s; ` +
      `(T50−T1)/49 over the library's per-point time, per repeat ${marginalRatios.map((v) => v.toFixed(2)).join(', ')}: median ${goals.marginalPerPointOverLibrary.value.toFixed(2)}× cold, ${goals.marginalPerPointOverLibrary.warmCacheValue.toFixed(2)}× warm (goal 1.15×); ` +
      `cached IG-50 / (library + start) = ${goals.cachedIg50OverLibraryPlusStart.value.toFixed(2)}× (goal 1.3×); ` +
      `IG-100 / IG-50 = ${goals.ig100OverIg50.cold.toFixed(2)}× cold, ${goals.ig100OverIg50.warm.toFixed(2)}× warm (goal 2.1×)`,
  );
}
rmSync(work, { recursive: true, force: true });

const torch = process.env['IG_COLD_START_TORCH'] === '0' ? { skipped: 'IG_COLD_START_TORCH=0' } : pytorchSpeed(MODELS);
report.pytorchReference = torch;
if (!('skipped' in torch)) {
  for (const row of torch) {
    const ours = rows.find((r) => r['model'] === row.model) as { library: { ig50Seconds: number }; cli: Record<string, { wallSeconds: number }> } | undefined;
    console.log(
      `${row.model}: PyTorch IG-50 ${row.batch6.ig50Seconds.toFixed(2)} s in batches of 6, ${row.batch50.ig50Seconds.toFixed(2)} s all at once; @ig library ${ours?.library.ig50Seconds.toFixed(2)} s, ig explain warm ${ours?.cli['warm50']?.wallSeconds.toFixed(2)} s`,
    );
  }
} else console.log(torch.skipped);
writeReport();
console.log('wrote bench-results/cold-start.json');
