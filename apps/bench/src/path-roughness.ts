/**
 * How rough a path's completeness integrand g(α) = ∇F(γ(α))·(x − x′) is: F and g on a uniform
 * grid of 2^LEVEL + 1 points (zero baseline, top class, onnxruntime-node, CPU), then for each
 * coarser dyadic grid the composite trapezoid's signed relative completeness error, and
 * Σ |local error| over the grid's intervals (each interval's trapezoid minus its exact
 * F(b) − F(a)). Where that sum stays above a tolerance even on the finest grid, every rule's
 * error below the tolerance comes from cancellation between intervals, not from resolving the
 * integrand, and the smallest N at which a fixed rule meets it is a matter of chance.
 * The tables F and g are written too, for replaying refinement rules offline (scripts/replay_adaptive.py).
 * IG_ROUGHNESS_CASES (default `resnet18:mean-shifted:6,7,2,1`), IG_ROUGHNESS_LEVEL (default 10).
 * Writes bench-results/path-roughness.json.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { onnxBackend } from '@ig/onnx/node';
import { topClass } from './ig-run.js';
import { IMAGE_SHAPE, loadModel, sampleImage, type Architecture, type Variant } from './models.js';

const LEVEL = Number(process.env['IG_ROUGHNESS_LEVEL'] ?? 10);
const CASES = (process.env['IG_ROUGHNESS_CASES'] ?? 'resnet18:mean-shifted:6,7,2,1').split(';').map((text) => {
  const [model, variant, seeds] = text.split(':');
  return { model: model as Architecture, variant: variant as Variant, seeds: (seeds ?? '1').split(',').map(Number) };
});
const BATCH = 6;
const CLASSES = 1000;

/** F and g at α = k / (n − 1), k = 0 … n − 1, path points built in float32 as the core builds them. */
async function profile(backend: Awaited<ReturnType<typeof onnxBackend>>, image: Float32Array, target: number, n: number) {
  const f = new Float64Array(n);
  const g = new Float64Array(n);
  const size = image.length;
  for (let start = 0; start < n; start += BATCH) {
    const count = Math.min(BATCH, n - start);
    const points = new Float32Array(count * size);
    const outputWeights = new Float32Array(count * CLASSES);
    for (let k = 0; k < count; k++) {
      const alpha = Math.fround((start + k) / (n - 1));
      for (let j = 0; j < size; j++) points[k * size + j] = Math.fround(alpha * (image[j] as number));
      outputWeights[k * CLASSES + target] = 1;
    }
    const response = await backend.gradients({ points: [points], pointShapes: [IMAGE_SHAPE.slice(1)], count, outputWeights });
    const gradient = response.gradients[0] as Float32Array;
    for (let k = 0; k < count; k++) {
      let dot = 0;
      for (let j = 0; j < size; j++) dot += (gradient[k * size + j] as number) * (image[j] as number);
      f[start + k] = response.objective[k] as number;
      g[start + k] = dot;
    }
  }
  return { f, g };
}

/** Per dyadic level: the composite trapezoid's signed error and Σ |local error|, both relative to |F(1) − F(0)|. */
function levels(f: Float64Array, g: Float64Array) {
  const n = f.length - 1;
  const scale = Math.abs((f[n] as number) - (f[0] as number));
  const rows = [];
  for (let level = 1; 2 ** level <= n; level++) {
    const stride = n / 2 ** level;
    const h = 1 / 2 ** level;
    let signed = 0;
    let absolute = 0;
    for (let k = 0; k < n; k += stride) {
      const local = (h / 2) * ((g[k] as number) + (g[k + stride] as number)) - ((f[k + stride] as number) - (f[k] as number));
      signed += local;
      absolute += Math.abs(local);
    }
    rows.push({ points: 2 ** level + 1, trapezoidRelativeError: signed / scale, sumAbsLocalRelative: absolute / scale });
  }
  return rows;
}

const report: Record<string, unknown> = { node: process.version, cpu: cpus()[0]?.model, level: LEVEL, date: new Date().toISOString(), rows: [] };
const rows = report.rows as Record<string, unknown>[];
for (const { model, variant, seeds } of CASES) {
  const loaded = loadModel(model, variant);
  if ('missing' in loaded) throw new Error(loaded.missing);
  const backend = await onnxBackend(loaded.bytes, {
    executionProviders: ['cpu'],
    sessionOptions: { intraOpNumThreads: 2, interOpNumThreads: 1 },
    fused: false,
  });
  for (const seed of seeds) {
    const image = sampleImage(seed);
    const target = await topClass(backend, image);
    const { f, g } = await profile(backend, image, target, 2 ** LEVEL + 1);
    const byLevel = levels(f, g);
    rows.push({ model, variant, image: seed, target, fBaseline: f[0], fInput: f[f.length - 1], levels: byLevel, f: Array.from(f), g: Array.from(g) });
    const finest = byLevel[byLevel.length - 1];
    console.log(
      `${model} (${variant}, image ${seed}): trapezoid error by level ${byLevel.map((r) => `${(100 * r.trapezoidRelativeError).toFixed(2)}%`).join(' ')}; ` +
        `Σ|local error| on ${finest?.points} points ${(100 * (finest?.sumAbsLocalRelative ?? NaN)).toFixed(2)}%`,
    );
  }
  await backend.dispose();
}
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/path-roughness.json.tmp', `${JSON.stringify(report, null, 2)}\n`);
renameSync('bench-results/path-roughness.json.tmp', 'bench-results/path-roughness.json');
console.log('wrote bench-results/path-roughness.json');
