/**
 * Cost of Integrated Gradients relative to plain inference, on the Fashion-MNIST CNN that
 * examples/fashion-mnist trains: IG with 50 steps on a batch of 8 images versus 50 plain
 * predictions of the same batch (the same number of forward passes), per tfjs backend in
 * Node. Writes bench-results/ig-vs-predict.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { integratedGradients, type Tensor } from '@ig/core';
import { tfjsBackend } from '../src/index.js';
import { loadModel, MODEL_DIR } from './fashion-mnist.js';

const STEPS = 50;
const REPEATS = 3;
const BACKENDS = ['cpu', 'wasm'] as const;
const RESULTS = fileURLToPath(new URL('../bench-results/ig-vs-predict.json', import.meta.url));

interface Samples {
  readonly shape: [number, number, number, number];
  readonly pixels: number[];
}

function loadBatch(): Tensor {
  const samples = JSON.parse(readFileSync(`${MODEL_DIR}samples.json`, 'utf8')) as Samples;
  return { data: Float32Array.from(samples.pixels, (p) => p / 255), shape: samples.shape };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function timeIt(run: () => Promise<unknown>): Promise<number> {
  await run(); // warm-up: kernel compilation, buffer allocation
  const times: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return median(times);
}

async function measure(backendName: string, model: tf.LayersModel, batch: Tensor) {
  if (!(await tf.setBackend(backendName))) throw new Error(`tfjs backend ${backendName} is unavailable`);
  await tf.ready();
  const input = tf.tensor(batch.data, [...batch.shape]);
  const predictions = tf.tidy(() => Array.from(tf.argMax(model.predict(input) as tf.Tensor, 1).dataSync()));
  const predictMs = await timeIt(async () => {
    for (let i = 0; i < STEPS; i++) {
      const output = model.predict(input) as tf.Tensor;
      await output.data();
      output.dispose();
    }
  });
  const backend = tfjsBackend(model);
  let worstRelativeError = 0;
  const igMs = await timeIt(async () => {
    const result = await integratedGradients(backend, batch, { target: predictions, steps: STEPS });
    worstRelativeError = Math.max(...result.reports.map((r) => r.relativeError));
  });
  input.dispose();
  return {
    backend: backendName,
    predict50Ms: Number(predictMs.toFixed(1)),
    integratedGradients50Ms: Number(igMs.toFixed(1)),
    ratio: Number((igMs / predictMs).toFixed(2)),
    worstCompletenessRelativeError: worstRelativeError,
  };
}

async function main(): Promise<void> {
  tf.enableProdMode();
  await tf.setBackend('cpu');
  const model = await loadModel();
  const batch = loadBatch();
  const results = [];
  for (const backendName of BACKENDS) {
    const figures = await measure(backendName, model, batch);
    console.log(
      `${backendName.padEnd(5)} 50 predictions ${figures.predict50Ms.toFixed(0).padStart(6)} ms | IG 50 steps ${figures.integratedGradients50Ms.toFixed(0).padStart(6)} ms | ratio ${figures.ratio.toFixed(2)}`,
    );
    results.push(figures);
  }
  const report = {
    benchmark: 'ig-vs-predict',
    description: `Integrated Gradients (${STEPS} gauss-legendre steps, fused tfjs integrate) on a batch of ${batch.shape[0]} Fashion-MNIST images vs ${STEPS} plain predictions of the same batch; median of ${REPEATS} after one warm-up`,
    model: 'examples/fashion-mnist/model (tfjs LayersModel)',
    batch: batch.shape,
    steps: STEPS,
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    tfjs: tf.version.tfjs,
    results,
  };
  mkdirSync(fileURLToPath(new URL('../bench-results/', import.meta.url)), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${RESULTS}`);
  model.dispose();
}

await main();
