/**
 * Explains the bundled Fashion-MNIST CNN's predictions for the bundled test images with
 * Integrated Gradients (black baseline, 50 Gauss–Legendre steps): the predicted class, where
 * the attribution mass sits, and the completeness check Σ attributions ≈ F(x) − F(x').
 * Runs offline from fashion-mnist/model/. Usage: node dist/fashion-mnist/explain.js [backend=cpu]
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { integratedGradients } from '@ig/core';
import { tfjsBackend } from '@ig/tfjs';
import { CLASS_NAMES } from './data.js';
import { loadModel, loadSamples } from './model-files.js';

const SIDE = 28;

/** A coarse 14×14 text rendering of where positive attribution concentrates. */
function heatmap(attribution: Float32Array, offset: number): string[] {
  const shades = ' .:-=+*#%@';
  const cells: number[] = [];
  for (let r = 0; r < SIDE; r += 2) {
    for (let c = 0; c < SIDE; c += 2) {
      let sum = 0;
      for (const [dr, dc] of [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ] as const)
        sum += attribution[offset + (r + dr) * SIDE + c + dc] as number;
      cells.push(Math.max(0, sum));
    }
  }
  const max = Math.max(...cells, 1e-12);
  const rows: string[] = [];
  for (let r = 0; r < SIDE / 2; r++) {
    rows.push(
      cells
        .slice(r * 14, (r + 1) * 14)
        .map((v) => shades[Math.min(9, Math.floor((v / max) * 9.999))])
        .join(''),
    );
  }
  return rows;
}

async function main(): Promise<void> {
  tf.enableProdMode();
  const backendName = process.argv[2] ?? 'cpu';
  if (!(await tf.setBackend(backendName))) throw new Error(`tfjs backend ${backendName} is unavailable`);
  await tf.ready();
  const model = await loadModel();
  const samples = loadSamples();
  const pixels = Float32Array.from(samples.pixels, (p) => p / 255);
  const count = samples.shape[0];
  const logits = tf.tidy(() => (model.predict(tf.tensor(pixels, samples.shape)) as tf.Tensor).arraySync() as number[][]);
  const predicted = logits.map((row) => row.indexOf(Math.max(...row)));

  const started = performance.now();
  const result = await integratedGradients(
    tfjsBackend(model),
    { data: pixels, shape: samples.shape },
    {
      baselines: 0,
      target: predicted,
      steps: 50,
    },
  );
  const seconds = (performance.now() - started) / 1000;
  const attribution = result.attributions[0]?.data ?? new Float32Array();
  console.log(`Integrated Gradients on tfjs/${tf.getBackend()}: ${count} images × 50 steps in ${seconds.toFixed(2)} s\n`);

  for (let n = 0; n < count; n++) {
    const offset = n * SIDE * SIDE;
    const values = attribution.subarray(offset, offset + SIDE * SIDE);
    const positive = values.reduce((s, v) => s + Math.max(0, v), 0);
    const negative = values.reduce((s, v) => s + Math.min(0, v), 0);
    const top = Array.from(values.keys())
      .sort((a, b) => (values[b] as number) - (values[a] as number))
      .slice(0, 3);
    const report = result.reports[n];
    const label = samples.labels[n] as number;
    const guess = predicted[n] as number;
    console.log(`image ${n} (test #${samples.indices[n]}): true ${CLASS_NAMES[label]}, predicted ${CLASS_NAMES[guess]}${label === guess ? '' : '  ✗'}`);
    console.log(
      `  attributions: positive ${positive.toFixed(4)}, negative ${negative.toFixed(4)}, top pixels ${top.map((i) => `(${Math.floor(i / SIDE)},${i % SIDE}) ${(values[i] as number).toFixed(4)}`).join(', ')}`,
    );
    if (report !== undefined) {
      console.log(
        `  completeness: Σ attributions ${report.attributionSum.toFixed(5)} vs F(x) − F(x') ${(report.fInput - report.fBaseline).toFixed(5)}, relative error ${(report.relativeError * 100).toFixed(3)}%`,
      );
    }
    if (n === 0)
      console.log(
        `  positive attribution, 2×2 cells:\n${heatmap(attribution, offset)
          .map((row) => `    |${row}|`)
          .join('\n')}`,
      );
  }
  model.dispose();
}

await main();
