/**
 * The core's own work per path point — interpolating the point and accumulating its weighted
 * gradient — on a 224×224×3 input, with a backend that does no work, as a ratio to copying the same
 * Float32Array once (TypedArray.set into a preallocated array), both measured in this run. Two
 * figures per row: amortised (a 256-point call's time over its points, so including the per-call
 * work: baselines, F(x), F(x'), the attributions array) and marginal (what each further point
 * costs: the slope between 256- and 1024-point calls). Rows with `attributions: 'reused'` pass
 * the same `attributionsInto` arrays to every call, as a loop over frames or a dataset would;
 * the others let each call allocate a fresh attributions array.
 * Writes bench-results/path-overhead.json.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolveBatchSize } from '../src/batching.js';
import { integratedGradients, type GradientBackend } from '../src/index.js';

const SHAPE = [1, 224, 224, 3];
const SIZE = 224 * 224 * 3;
const STEPS = 256;
const LONG_STEPS = 1024;
const REPEATS = 7;
const DEFAULT_BATCH = resolveBatchSize(SIZE, undefined, undefined);

type Gradients = 'offered' | 'own';
type Attributions = 'fresh' | 'reused';

/**
 * A backend that does no work. Its gradients are a fixed pattern: with `offered`, in the buffers
 * the core offers (as an engine writing into preallocated outputs would; the pattern is written
 * once and found in place by later calls), with `own`, in its own preallocated array.
 */
function zeroCostBackend(maxBatch: number, fused: boolean, gradients: Gradients): GradientBackend {
  const pattern = new Float32Array(maxBatch * SIZE).map((_, i) => ((i % 97) - 48) / 97);
  const output = new Float32Array(maxBatch * 10).fill(0.1);
  const sums = [pattern.subarray(0, SIZE)];
  const inPlace = (offered: Float32Array): Float32Array => {
    const last = offered.length - 1;
    if (offered[0] !== pattern[0] || offered[last] !== pattern[last]) offered.set(pattern.subarray(0, offered.length));
    return offered;
  };
  const backend: GradientBackend = {
    name: fused ? 'zero-cost fused' : 'zero-cost',
    predict: async (batch) => output.subarray(0, batch.count * 10),
    gradients: async (request) => ({
      objective: output.subarray(0, request.count),
      gradients:
        gradients === 'offered' && request.gradientBuffers !== undefined ? request.gradientBuffers.map(inPlace) : [pattern.subarray(0, request.count * SIZE)],
    }),
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
  // `undefined` is the default batch size, derived from the memory budget.
  const runs: [boolean, number | undefined, Gradients, Attributions][] = [
    [false, undefined, 'offered', 'fresh'],
    [false, 1, 'offered', 'fresh'],
    [false, 4, 'offered', 'fresh'],
    [false, 16, 'offered', 'fresh'],
    [false, 50, 'offered', 'fresh'],
    [false, undefined, 'own', 'fresh'],
    [true, 50, 'own', 'fresh'],
    [false, undefined, 'offered', 'reused'],
    [false, 1, 'offered', 'reused'],
    [false, 4, 'offered', 'reused'],
    [false, undefined, 'own', 'reused'],
    [true, 50, 'own', 'reused'],
  ];
  const reusedArrays = [new Float32Array(SIZE)];
  const call = (backend: GradientBackend, batchSize: number | undefined, attributions: Attributions, steps = STEPS) =>
    integratedGradients(
      backend,
      { data: input, shape: SHAPE },
      { target: 0, steps, batchSize, attributionsInto: attributions === 'reused' ? reusedArrays : undefined },
    );
  const bestSeconds = async (run: () => Promise<unknown>): Promise<number> => {
    const seconds: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const start = process.hrtime.bigint();
      await run();
      seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
    }
    return best(seconds);
  };
  // Untimed, every configuration once: compiles the kernels to optimised code and lets the
  // process reach the state the later rows see (the first fresh arrays of a new process cost
  // page faults that later ones, reusing collected memory, do not), so no row depends on its
  // position in the list.
  for (const [fused, batchSize, gradients, attributions] of runs)
    await call(zeroCostBackend(batchSize ?? DEFAULT_BATCH, fused, gradients), batchSize, attributions);
  for (const [fused, batchSize, gradients, attributions] of runs) {
    const backend = zeroCostBackend(batchSize ?? DEFAULT_BATCH, fused, gradients);
    // Untimed: creates this batch size's buffers again (the workspace of the previous row replaced them).
    await call(backend, batchSize, attributions);
    const short = await bestSeconds(() => call(backend, batchSize, attributions));
    const long = await bestSeconds(() => call(backend, batchSize, attributions, LONG_STEPS));
    const perPoint = short / STEPS;
    const marginal = (long - short) / (LONG_STEPS - STEPS);
    const batch = batchSize ?? DEFAULT_BATCH;
    results.push({
      mode: fused ? 'fused' : 'unfused',
      batchSize: batch,
      defaultBatchSize: batchSize === undefined,
      gradients: fused ? undefined : gradients,
      attributions,
      secondsPerPoint: perPoint,
      ratioToCopy: perPoint / copy,
      marginalSecondsPerPoint: marginal,
      marginalRatioToCopy: marginal / copy,
    });
    const where = fused ? '                              ' : gradients === 'offered' ? ', gradients in offered buffers' : ', gradients in own arrays    ';
    const label = `${fused ? 'fused  ' : 'unfused'} batch ${String(batch).padStart(3)}${batchSize === undefined ? ' (default)' : '          '}${where}, ${attributions} attributions`;
    console.log(
      `${label}: ${(perPoint * 1e6).toFixed(1)} µs per point = ${(perPoint / copy).toFixed(2)}× a copy (${(copy * 1e6).toFixed(1)} µs); marginal ${(marginal * 1e6).toFixed(1)} µs = ${(marginal / copy).toFixed(2)}×`,
    );
  }
  const report = {
    benchmark: 'core path overhead per point (interpolation + weighted accumulation), zero-cost backend',
    input: SHAPE,
    steps: STEPS,
    repeats: REPEATS,
    longSteps: LONG_STEPS,
    statistic:
      'best of repeats, after one untimed pass over all configurations and one untimed run per configuration; marginal = (best long-call time − best short-call time) / (longSteps − steps)',
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
