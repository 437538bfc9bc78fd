/**
 * The core's own work per path point — interpolating the point and accumulating its weighted
 * gradient — on a 224×224×3 input, with a backend that does no work, as a ratio to copying the
 * same Float32Array once (TypedArray.set into a preallocated array), both measured in this run.
 * Writes bench-results/path-overhead.json.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { integratedGradients, type GradientBackend } from '../src/index.js';

const SHAPE = [1, 224, 224, 3];
const SIZE = 224 * 224 * 3;
const STEPS = 256;
const REPEATS = 7;

/** A backend that does no work: it returns preallocated outputs and gradients. */
function zeroCostBackend(maxBatch: number, fused: boolean): GradientBackend {
  const gradients = new Float32Array(maxBatch * SIZE).map((_, i) => ((i % 97) - 48) / 97);
  const output = new Float32Array(maxBatch * 10).fill(0.1);
  const sums = [gradients.subarray(0, SIZE)];
  const backend: GradientBackend = {
    name: fused ? 'zero-cost fused' : 'zero-cost',
    predict: async (batch) => output.subarray(0, batch.count * 10),
    gradients: async (request) => ({ objective: output.subarray(0, request.count), gradients: [gradients.subarray(0, request.count * SIZE)] }),
    dispose: () => undefined,
  };
  return fused ? { ...backend, integrate: async () => ({ gradientSums: sums }) } : backend;
}

// Best of the repeats for both sides: the least disturbed by other work on the machine.
const best = (values: number[]): number => Math.min(...values);

async function main(): Promise<void> {
  const input = new Float32Array(SIZE).map((_, i) => Math.sin(i));
  const results: Record<string, unknown>[] = [];
  const copyTarget = new Float32Array(SIZE);
  const plainCopy: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const start = process.hrtime.bigint();
    for (let k = 0; k < STEPS; k++) copyTarget.set(input);
    plainCopy.push(Number(process.hrtime.bigint() - start) / 1e9 / STEPS);
  }
  const copy = best(plainCopy);
  // Unfused: the core writes every point and accumulates every gradient. Fused: the backend
  // does both (as the ONNX and tfjs backends do on their devices); the core only plans the path.
  for (const [fused, batchSize] of [[false, 1], [false, 4], [false, 16], [false, 50], [true, 50]] as const) {
    const backend = zeroCostBackend(batchSize, fused);
    const seconds: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const start = process.hrtime.bigint();
      await integratedGradients(backend, { data: input, shape: SHAPE }, { target: 0, steps: STEPS, batchSize });
      seconds.push(Number(process.hrtime.bigint() - start) / 1e9 / STEPS);
    }
    const perPoint = best(seconds);
    results.push({ mode: fused ? 'fused' : 'unfused', batchSize, secondsPerPoint: perPoint, ratioToCopy: perPoint / copy });
    console.log(`${fused ? 'fused  ' : 'unfused'} batch ${String(batchSize).padStart(3)}: ${(perPoint * 1e6).toFixed(1)} µs per point = ${(perPoint / copy).toFixed(2)}× a copy (${(copy * 1e6).toFixed(1)} µs)`);
  }
  const report = {
    benchmark: 'core path overhead per point (interpolation + weighted accumulation), zero-cost backend',
    input: SHAPE,
    steps: STEPS,
    repeats: REPEATS,
    statistic: 'best of repeats',
    copySecondsPerArray: copy,
    goal: 'ratioToCopy ≤ 3',
    results,
    node: process.version,
    cpu: cpus()[0]?.model,
    date: new Date().toISOString(),
  };
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/path-overhead.json.tmp', `${JSON.stringify(report, null, 2)}\n`);
  renameSync('bench-results/path-overhead.json.tmp', 'bench-results/path-overhead.json');
  console.log('wrote bench-results/path-overhead.json');
}

await main();
