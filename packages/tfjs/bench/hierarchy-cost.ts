/**
 * Cost of an ACD hierarchy relative to one Integrated Gradients run, on the Fashion-MNIST CNN
 * that examples/fashion-mnist trains (the `ig demo` bundle): a full occlusion hierarchy and a
 * full CD hierarchy of one 28×28 image (sweepDim 1: 784 units, 90th percentile, 5 rounds)
 * against IG with 50 steps of the same image, in the same run on the tfjs cpu backend. Reports
 * forward passes (CD: passes of the decomposed network) and wall time. A second case does the same
 * for a 224×224×3 image (sweepDim 14: 256 units) on a small random-weight CNN, timed once.
 * Writes bench-results/hierarchy-cost.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import {
  agglomerate,
  contextualDecompositionScorer,
  gridUnits,
  integratedGradients,
  occlusionScorer,
  type GroupScorer,
  type Hierarchy,
  type Tensor,
} from '@ig/core';
import { tfjsBackend, tfjsContextualDecomposition } from '../src/index.js';
import { loadModel, MODEL_DIR } from './fashion-mnist.js';

const STEPS = 50;
const REPEATS = 3;
const RESULTS = fileURLToPath(new URL('../bench-results/hierarchy-cost.json', import.meta.url));

function firstImage(): Tensor {
  const samples = JSON.parse(readFileSync(`${MODEL_DIR}samples.json`, 'utf8')) as { pixels: number[] };
  return { data: Float32Array.from(samples.pixels.slice(0, 784), (p) => p / 255), shape: [1, 28, 28, 1] };
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
}

async function timeIt<T>(run: () => Promise<T>, repeats = REPEATS): Promise<{ ms: number; last: T }> {
  let last = repeats > 1 ? await run() : undefined; // warm-up
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    last = await run();
    times.push(performance.now() - start);
  }
  return { ms: median(times), last: last as T };
}

/** Occlusion and CD hierarchies and one IG-50 run of one image, with the ratios to IG. */
async function measure(model: tf.Sequential | tf.LayersModel, image: Tensor, sweepDim: number, repeats: number) {
  const backend = tfjsBackend(model);
  const [height, width, channels] = image.shape.slice(1) as [number, number, number];
  const logits = await backend.predict({ points: [image.data], pointShapes: [[height, width, channels]], count: 1 });
  const target = logits.indexOf(Math.max(...logits));
  const layout = gridUnits({ height, width, channels, layout: 'hwc' }, sweepDim);
  const decomposition = tfjsContextualDecomposition(model);
  const timeHierarchy = (makeScorer: () => Promise<GroupScorer>) =>
    timeIt(async () => {
      const scorer = await makeScorer();
      const tree: Hierarchy = await agglomerate(scorer, layout, { percentileInclude: 90, iterations: 5 });
      return { tree, forwardPasses: scorer.cost.forwardPasses };
    }, repeats);
  const occlusion = await timeHierarchy(() => occlusionScorer({ backend, input: image, baseline: 0, target }));
  const cd = await timeHierarchy(() => contextualDecompositionScorer({ backend, decomposition, input: image, baseline: 0, target }));
  const ig = await timeIt(async () => integratedGradients(backend, image, { target, steps: STEPS }), repeats);
  const figures = (run: typeof occlusion) => ({
    ms: Number(run.ms.toFixed(1)),
    forwardPasses: run.last.forwardPasses,
    levels: run.last.tree.levels.length,
    groups: run.last.tree.nodes.length - layout.features.length,
    ratioToIntegratedGradients: Number((run.ms / ig.ms).toFixed(2)),
  });
  const result = {
    image: [height, width, channels],
    sweepDim,
    units: layout.features.length,
    target,
    repeats,
    occlusionHierarchy: figures(occlusion),
    cdHierarchy: figures(cd),
    integratedGradients: { ms: Number(ig.ms.toFixed(1)), steps: STEPS, gradientEvaluations: ig.last.gradientEvaluations },
  };
  console.log(
    `${height}×${width} sweepDim ${sweepDim}: occlusion hierarchy ${occlusion.ms.toFixed(0)} ms (${occlusion.last.forwardPasses} passes) | ` +
      `CD hierarchy ${cd.ms.toFixed(0)} ms (${cd.last.forwardPasses} decomposed passes) | IG ${STEPS} ${ig.ms.toFixed(0)} ms | ratios ${result.occlusionHierarchy.ratioToIntegratedGradients}, ${result.cdHierarchy.ratioToIntegratedGradients}`,
  );
  return result;
}

/** A small CNN for 224×224×3 images with seeded random weights (a cost model, not a classifier). */
function cnn224(): tf.Sequential {
  const init = (seed: number) => tf.initializers.glorotNormal({ seed });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [224, 224, 3], filters: 8, kernelSize: 3, strides: 4, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: init(3) }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 10, kernelInitializer: init(4) }),
    ],
  });
}

async function main(): Promise<void> {
  tf.enableProdMode();
  await tf.setBackend('cpu');
  await tf.ready();
  const model = await loadModel();
  const fashion = await measure(model, firstImage(), 1, REPEATS);
  const big = cnn224();
  const image224 = { data: Float32Array.from({ length: 224 * 224 * 3 }, (_, i) => 0.5 + 0.5 * Math.sin(i * 0.37)), shape: [1, 224, 224, 3] };
  const large = await measure(big, image224, 14, 1);
  const report = {
    benchmark: 'hierarchy-cost',
    description: `full ACD occlusion and CD hierarchies (percentileInclude 90, 5 iterations) of one image vs one IG run (${STEPS} gauss-legendre steps) of the same image, tfjs cpu backend, in one run: the Fashion-MNIST CNN at 28×28 (sweepDim 1, median of ${REPEATS} after a warm-up) and a random-weight 3-conv CNN at 224×224×3 (sweepDim 14, timed once)`,
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    tfjs: tf.version.tfjs,
    fashionMnist: { model: 'examples/fashion-mnist/model (tfjs LayersModel)', ...fashion },
    cnn224: { model: 'random-weight CNN: 3 strided Conv2D (8, 16, 32 filters) + global average pool + Dense(10)', ...large },
  };
  mkdirSync(fileURLToPath(new URL('../bench-results/', import.meta.url)), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${RESULTS}`);
  model.dispose();
  big.dispose();
}

await main();
