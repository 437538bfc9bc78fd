/**
 * What the core's WebAssembly SIMD path kernels buy on an end-to-end IG run against plain loops
 * (switched with `@ig/core/wasm`): IG-50
 * (Gauss–Legendre, black baseline) on torchvision models through onnxruntime-node (CPU, 2
 * threads), with the kernels on and off in the same process, the two orders alternating pair by
 * pair (on→off, off→on, …) so load swings on a shared machine fall on both sides alike. Both
 * onnx path modes run: `fused` (the default: the backend integrates, the core's path loops never
 * run) and `unfused` (the core writes every point and sums every gradient: where the kernels act).
 * Each pair also checks that the two runs agree (max |difference| / max |attribution|), and each
 * run splits its time into the backend's calls and the rest (the core's own work, where the path
 * kernels act), so the kernels' share of a run is read from one run's own clock, whatever the load.
 *
 * Usage: node dist/path-kernels-bench.js [--models resnet18,mobilenet_v2] [--modes fused,unfused] [--pairs 6] [--steps 50]
 * Writes bench-results/path-kernels.json.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { disableWasmPathKernels, enableWasmPathKernels } from '@ig/core/wasm';
import type { GradientBackend } from '@ig/core';
import { onnxBackend } from '@ig/onnx/node';
import { explainSample } from './ig-run.js';
import { ARCHITECTURES, MODELS_DIR, loadModel, type Architecture } from './models.js';
import { seconds } from './timing.js';

const SESSION = { intraOpNumThreads: 2, interOpNumThreads: 1 };
const MODES = ['fused', 'unfused'] as const;
type Mode = (typeof MODES)[number];

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? (process.argv[at + 1] as string) : fallback;
}

const models = option('models', 'resnet18,mobilenet_v2').split(',') as Architecture[];
const modes = option('modes', MODES.join(',')).split(',') as Mode[];
const pairs = Number(option('pairs', '6'));
const steps = Number(option('steps', '50'));
for (const name of models) if (!ARCHITECTURES.includes(name)) throw new Error(`--models: unknown model ${name} (${ARCHITECTURES.join(', ')})`);
for (const mode of modes) if (!MODES.includes(mode)) throw new Error(`--modes: unknown mode ${mode} (${MODES.join(', ')})`);
if (!Number.isInteger(pairs) || pairs < 1) throw new Error(`--pairs must be a positive integer, got ${option('pairs', '')}`);

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

function relativeDifference(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(b[i] as number));
  }
  return diff / scale;
}

/** The backend with a clock on its calls: `inside` is the seconds spent in predict, gradients and integrate. */
function clocked(backend: GradientBackend): { backend: GradientBackend; inside: () => number } {
  let inside = 0;
  const time = async <T>(call: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await call();
    } finally {
      inside += (performance.now() - start) / 1000;
    }
  };
  const wrapped: GradientBackend = {
    name: backend.name,
    predict: (batch) => time(() => backend.predict(batch)),
    gradients: (request) => time(() => backend.gradients(request)),
    ...(backend.integrate
      ? {
          integrate: (request: Parameters<NonNullable<GradientBackend['integrate']>>[0]) =>
            time(() => (backend.integrate as NonNullable<GradientBackend['integrate']>)(request)),
        }
      : {}),
    dispose: () => backend.dispose(),
  };
  return { backend: wrapped, inside: () => inside };
}

async function timedRun(backend: GradientBackend, kernels: boolean): Promise<{ seconds: number; coreSeconds: number; attributions: Float32Array }> {
  if (kernels) {
    if (!enableWasmPathKernels()) throw new Error('this Node has no WebAssembly SIMD');
  } else disableWasmPathKernels();
  const clock = clocked(backend);
  const run = await seconds(() => explainSample(clock.backend, steps));
  return { seconds: run.seconds, coreSeconds: run.seconds - clock.inside(), attributions: run.value.attributions[0]?.data as Float32Array };
}

/** The exported model; this benchmark needs no PyTorch reference, so an .onnx file alone will do. */
function modelBytes(name: Architecture): Uint8Array {
  const file = `${MODELS_DIR}${name}.onnx`;
  if (existsSync(file)) return new Uint8Array(readFileSync(file));
  const model = loadModel(name);
  if ('missing' in model) throw new Error(model.missing);
  return model.bytes;
}

async function measure(name: Architecture, mode: Mode) {
  const backend = await onnxBackend(modelBytes(name), { executionProviders: ['cpu'], sessionOptions: SESSION, fused: mode === 'fused' });
  // The first runs build the sessions and warm both workspaces; they are not timed.
  await timedRun(backend, true);
  await timedRun(backend, false);
  const rows: {
    order: string;
    kernelsSeconds: number;
    plainSeconds: number;
    kernelsCoreSeconds: number;
    plainCoreSeconds: number;
    ratio: number;
    difference: number;
    load1: number;
  }[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    const kernelsFirst = pair % 2 === 0;
    const first = await timedRun(backend, kernelsFirst);
    const second = await timedRun(backend, !kernelsFirst);
    const [on, off] = kernelsFirst ? [first, second] : [second, first];
    const row = {
      order: kernelsFirst ? 'kernels→plain' : 'plain→kernels',
      kernelsSeconds: on.seconds,
      plainSeconds: off.seconds,
      kernelsCoreSeconds: on.coreSeconds,
      plainCoreSeconds: off.coreSeconds,
      ratio: off.seconds / on.seconds,
      difference: relativeDifference(off.attributions, on.attributions),
      load1: loadavg()[0] as number,
    };
    rows.push(row);
    console.log(
      `${name} ${mode} pair ${pair + 1}/${pairs}: kernels ${on.seconds.toFixed(2)} s (core ${on.coreSeconds.toFixed(3)} s), plain ${off.seconds.toFixed(2)} s (core ${off.coreSeconds.toFixed(3)} s), plain/kernels ${row.ratio.toFixed(3)} (load ${row.load1.toFixed(1)})`,
    );
  }
  disableWasmPathKernels();
  await backend.dispose();
  const ratios = rows.map((r) => r.ratio);
  return {
    model: name,
    mode,
    kernelsSeconds: median(rows.map((r) => r.kernelsSeconds)),
    plainSeconds: median(rows.map((r) => r.plainSeconds)),
    plainOverKernels: median(ratios),
    kernelsCoreSeconds: median(rows.map((r) => r.kernelsCoreSeconds)),
    plainCoreSeconds: median(rows.map((r) => r.plainCoreSeconds)),
    /** What the kernels save, as a share of a run with them: (core time plain − core time kernels) / run time. */
    savedShareOfRun: median(rows.map((r) => (r.plainCoreSeconds - r.kernelsCoreSeconds) / r.kernelsSeconds)),
    ratioRange: [Math.min(...ratios), Math.max(...ratios)],
    maxRelativeDifference: Math.max(...rows.map((r) => r.difference)),
    pairs: rows,
  };
}

const report = {
  what: `IG-${steps} Gauss–Legendre, onnxruntime-node cpu, 2 threads: plain path loops vs @ig/core/wasm, alternating pairs`,
  node: process.version,
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  date: new Date().toISOString(),
  loadAverageAtStart: loadavg(),
  results: [] as Awaited<ReturnType<typeof measure>>[],
  loadAverageAtEnd: [] as number[],
};
for (const name of models) for (const mode of modes) report.results.push(await measure(name, mode));
report.loadAverageAtEnd = loadavg();
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/path-kernels.json.tmp', `${JSON.stringify(report, null, 2)}\n`);
renameSync('bench-results/path-kernels.json.tmp', 'bench-results/path-kernels.json');
for (const r of report.results) {
  console.log(
    `${r.model} ${r.mode}: kernels ${r.kernelsSeconds.toFixed(2)} s, plain ${r.plainSeconds.toFixed(2)} s, plain/kernels median ${r.plainOverKernels.toFixed(3)} [${r.ratioRange.map((v) => v.toFixed(3)).join(', ')}]; core time ${r.kernelsCoreSeconds.toFixed(3)} / ${r.plainCoreSeconds.toFixed(3)} s, saved ${(100 * r.savedShareOfRun).toFixed(2)}% of a run`,
  );
}
console.log('wrote bench-results/path-kernels.json');
