/**
 * ONNX benchmarks on torchvision architectures at 224×224 (random weights), CPU, 2 threads:
 * - IG with 50 Gauss–Legendre steps against 50 plain forward passes of the same model (goal ≤ 2.5×),
 *   the median of five back-to-back pairs;
 * - the same IG-50 and forwards in PyTorch (autograd, as Captum computes IG) on the same weights;
 * - completeness of IG at 128 steps on GoogLeNet, ResNet-18 and MobileNetV2 (goal ≤ 1%), for both
 *   weight variants (see models.ts), and the distance of the attributions to PyTorch's own IG;
 * - onnxruntime-web (wasm) against onnxruntime-node on the same model and IG;
 * - peak RSS of IG-50 with batch sizes 1, 10 and 50, each in a fresh process.
 * Writes bench-results/onnx.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { onnxBackend as nodeBackend } from '@ig/onnx/node';
import { onnxBackend as webBackend } from '@ig/onnx/web';
import { explainSample } from './ig-run.js';
import { ARCHITECTURES, IMAGE_SHAPE, VARIANTS, loadModel, sampleImage, torchReference, type Architecture, type Variant } from './models.js';
import { pytorchSpeed } from './pytorch-speed.js';
import { seconds } from './timing.js';

const SESSION = { intraOpNumThreads: 2, interOpNumThreads: 1 };
const report: Record<string, unknown> = { node: process.version, cpu: cpus()[0]?.model, threads: 2, date: new Date().toISOString() };

function bytesOf(name: Architecture, variant: Variant = 'unit-variance'): Uint8Array {
  const model = loadModel(name, variant);
  if ('missing' in model) {
    console.log(model.missing);
    writeReport({ ...report, skipped: model.missing });
    process.exit(0);
  }
  return model.bytes;
}

function writeReport(value: unknown): void {
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/onnx.json.tmp', `${JSON.stringify(value, null, 2)}\n`);
  renameSync('bench-results/onnx.json.tmp', 'bench-results/onnx.json');
}

/** Forward/IG pairs timed back to back: the median pair ratio resists the load swings of a shared machine. */
const PAIRS = 5;

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

async function igAgainstForwards(name: Architecture) {
  const backend = await nodeBackend(bytesOf(name), { executionProviders: ['cpu'], sessionOptions: SESSION });
  const image = sampleImage();
  const batch = { points: [image], pointShapes: [IMAGE_SHAPE.slice(1)], count: 1 };
  // The first run probes shapes and builds the gradient sessions for this batch layout; time the later ones.
  await backend.predict(batch);
  await explainSample(backend, 50);
  const pairs: { forwards50Seconds: number; ig50Seconds: number; ratio: number }[] = [];
  let relativeError: number | undefined;
  for (let pair = 0; pair < PAIRS; pair++) {
    const forwards = await seconds(async () => {
      for (let k = 0; k < 50; k++) await backend.predict(batch);
    });
    const ig = await seconds(() => explainSample(backend, 50));
    relativeError = ig.value.reports[0]?.relativeError;
    pairs.push({ forwards50Seconds: forwards.seconds, ig50Seconds: ig.seconds, ratio: ig.seconds / forwards.seconds });
  }
  await backend.dispose();
  const ratios = pairs.map((p) => p.ratio);
  const row = {
    model: name,
    provider: backend.name,
    forwards50Seconds: median(pairs.map((p) => p.forwards50Seconds)),
    ig50Seconds: median(pairs.map((p) => p.ig50Seconds)),
    ratio: median(ratios),
    ratioRange: [Math.min(...ratios), Math.max(...ratios)],
    pairs,
    goal: 2.5,
    relativeError,
  };
  console.log(
    `${name}: IG-50 ${row.ig50Seconds.toFixed(2)} s vs 50 forwards ${row.forwards50Seconds.toFixed(2)} s = ${row.ratio.toFixed(2)}× ` +
      `(median of ${PAIRS} back-to-back pairs; ${row.ratioRange.map((r) => r.toFixed(2)).join('–')}×)`,
  );
  return row;
}

/** Relative L2 distance of our attributions to PyTorch's, and the largest per-pixel gap relative to the largest attribution. */
function attributionDistance(ours: Float32Array, theirs: Float32Array) {
  let difference = 0;
  let norm = 0;
  let worst = 0;
  let largest = 0;
  for (let i = 0; i < theirs.length; i++) {
    const gap = (ours[i] as number) - (theirs[i] as number);
    difference += gap * gap;
    norm += (theirs[i] as number) ** 2;
    worst = Math.max(worst, Math.abs(gap));
    largest = Math.max(largest, Math.abs(theirs[i] as number));
  }
  return { relativeL2: Math.sqrt(difference / norm), maxGapOverMaxAttribution: worst / largest };
}

async function completeness(name: Architecture, variant: Variant) {
  const backend = await nodeBackend(bytesOf(name, variant), { executionProviders: ['cpu'], sessionOptions: SESSION });
  const run = await seconds(() => explainSample(backend, 128));
  await backend.dispose();
  const r = run.value.reports[0];
  const attributions = run.value.attributions[0]?.data ?? new Float32Array();
  const torch = torchReference(name, variant);
  const versusTorch = torch === null ? null : attributionDistance(attributions, torch.attributions);
  const label = `${name} (${variant})`;
  console.log(
    `${label}: IG-128 relative completeness error ${((r?.relativeError ?? NaN) * 100).toFixed(4)}% (${run.seconds.toFixed(1)} s); PyTorch's IG-128 on the same model: ${torch === null || versusTorch === null ? 'not computed' : `${(torch.relativeError * 100).toFixed(4)}%; attributions differ from PyTorch's by ${(versusTorch.relativeL2 * 100).toFixed(3)}% (relative L2)`}`,
  );
  return {
    model: name,
    variant,
    steps: 128,
    target: r?.target,
    relativeError: r?.relativeError,
    passes1Percent: (r?.relativeError ?? Infinity) <= 0.01,
    fInput: r?.fInput,
    fBaseline: r?.fBaseline,
    attributionSum: r?.attributionSum,
    seconds: run.seconds,
    torch:
      torch === null
        ? null
        : { target: torch.target, relativeError: torch.relativeError, attributionSum: torch.attributionSum, fInput: torch.fInput, fBaseline: torch.fBaseline },
    versusTorch,
  };
}

async function webAgainstNode(name: Architecture, steps: number) {
  const bytes = bytesOf(name);
  const rows: Record<string, number | string>[] = [];
  for (const [label, make] of [
    ['onnxruntime-node/cpu', () => nodeBackend(bytes, { executionProviders: ['cpu'], sessionOptions: SESSION })],
    ['onnxruntime-web/wasm', () => webBackend(bytes, { executionProviders: ['wasm'] })],
  ] as const) {
    const backend = await make();
    await explainSample(backend, steps);
    const run = await seconds(() => explainSample(backend, steps));
    await backend.dispose();
    rows.push({ runtime: label, provider: backend.name, seconds: run.seconds, sum: run.value.reports[0]?.attributionSum ?? NaN });
  }
  const ratio = (rows[1]?.seconds as number) / (rows[0]?.seconds as number);
  console.log(`${name}: IG-${steps} onnxruntime-web wasm / onnxruntime-node = ${ratio.toFixed(2)}×`);
  return { model: name, steps, rows, webOverNode: ratio };
}

function peakRss(name: Architecture, batchSize: number) {
  const child = fileURLToPath(new URL('./peak-rss-child.js', import.meta.url));
  const out = execFileSync('node', [child, name, String(batchSize)], { encoding: 'utf8' });
  const row = JSON.parse(out.trim().split('\n').pop() as string) as { peakRssMiB: number };
  console.log(`${name}: IG-50 batch ${batchSize}: peak RSS ${row.peakRssMiB.toFixed(0)} MiB`);
  return row;
}

const igRows = [await igAgainstForwards('googlenet'), await igAgainstForwards('resnet18')];
report.igAgainstForwards = igRows;
writeReport(report);
const torch = pytorchSpeed(igRows.map((row) => row.model));
if ('skipped' in torch) {
  console.log(torch.skipped);
  report.pytorchReference = torch;
} else {
  report.pytorchReference = torch.map((row) => {
    const ours = igRows.find((r) => r.model === row.model)?.ig50Seconds ?? Number.NaN;
    const best = Math.min(row.batch6.ig50Seconds, row.batch50.ig50Seconds);
    console.log(
      `${row.model}: PyTorch IG-50 ${row.batch6.ig50Seconds.toFixed(2)} s in batches of 6, ${row.batch50.ig50Seconds.toFixed(2)} s all at once ` +
        `(50 forwards ${row.batch6.forwards50Seconds.toFixed(2)} s); @ig on onnxruntime-node ${ours.toFixed(2)} s = ${(ours / best).toFixed(2)}× PyTorch's faster run`,
    );
    return { ...row, igOverPytorch: ours / best };
  });
}
writeReport(report);
report.completeness128 = [];
for (const variant of VARIANTS) {
  for (const name of ARCHITECTURES) (report.completeness128 as unknown[]).push(await completeness(name, variant));
}
writeReport(report);
report.webAgainstNode = await webAgainstNode('resnet18', 16);
writeReport(report);
report.peakRss = [1, 10, 50].map((b) => peakRss('resnet18', b));
writeReport(report);
console.log('wrote bench-results/onnx.json');
