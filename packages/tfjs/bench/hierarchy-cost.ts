/**
 * Cost of an ACD hierarchy relative to one Integrated Gradients run, on the Fashion-MNIST CNN
 * that examples/fashion-mnist trains (the `ig demo` bundle): a full occlusion hierarchy and a
 * full CD hierarchy of one 28×28 image (sweepDim 1: 784 units, 90th percentile, 5 rounds)
 * against IG with 50 steps of the same image, in the same run on the tfjs cpu backend. Reports
 * forward passes (CD: passes of the decomposed network) and wall time.
 * Writes bench-results/hierarchy-cost.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { agglomerate, contextualDecompositionScorer, gridUnits, integratedGradients, occlusionScorer, type GroupScorer, type Hierarchy, type Tensor } from '@ig/core';
import { tfjsBackend, tfjsContextualDecomposition } from '../src/index.js';

const STEPS = 50;
const REPEATS = 3;
const MODEL_DIR = fileURLToPath(new URL('../../../examples/fashion-mnist/model/', import.meta.url));
const RESULTS = fileURLToPath(new URL('../bench-results/hierarchy-cost.json', import.meta.url));

async function loadModel(): Promise<tf.LayersModel> {
  const manifest = JSON.parse(readFileSync(`${MODEL_DIR}model.json`, 'utf8')) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
  const bytes = readFileSync(`${MODEL_DIR}weights.bin`);
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: manifest.modelTopology,
      weightSpecs: manifest.weightsManifest.flatMap((group) => group.weights),
      weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    }),
  );
}

function firstImage(): Tensor {
  const samples = JSON.parse(readFileSync(`${MODEL_DIR}samples.json`, 'utf8')) as { pixels: number[] };
  return { data: Float32Array.from(samples.pixels.slice(0, 784), (p) => p / 255), shape: [1, 28, 28, 1] };
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
}

async function timeIt<T>(run: () => Promise<T>): Promise<{ ms: number; last: T }> {
  let last = await run(); // warm-up
  const times: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const start = performance.now();
    last = await run();
    times.push(performance.now() - start);
  }
  return { ms: median(times), last };
}

async function main(): Promise<void> {
  tf.enableProdMode();
  await tf.setBackend('cpu');
  await tf.ready();
  const model = await loadModel();
  const backend = tfjsBackend(model);
  const image = firstImage();
  const logits = await backend.predict({ points: [image.data], pointShapes: [[28, 28, 1]], count: 1 });
  const target = logits.indexOf(Math.max(...logits));
  const layout = gridUnits({ height: 28, width: 28, channels: 1, layout: 'hwc' }, 1);
  const decomposition = tfjsContextualDecomposition(model);
  const timeHierarchy = (makeScorer: () => Promise<GroupScorer>) =>
    timeIt(async () => {
      const scorer = await makeScorer();
      const tree: Hierarchy = await agglomerate(scorer, layout, { percentileInclude: 90, iterations: 5 });
      return { tree, forwardPasses: scorer.cost.forwardPasses };
    });
  const hierarchy = await timeHierarchy(() => occlusionScorer({ backend, input: image, baseline: 0, target }));
  const cdHierarchy = await timeHierarchy(() => contextualDecompositionScorer({ backend, decomposition, input: image, baseline: 0, target }));
  const ig = await timeIt(async () => integratedGradients(backend, image, { target, steps: STEPS }));
  const ratio = hierarchy.ms / ig.ms;
  const cdRatio = cdHierarchy.ms / ig.ms;
  console.log(
    `occlusion hierarchy ${hierarchy.ms.toFixed(0)} ms (${hierarchy.last.forwardPasses} forward passes, ${hierarchy.last.tree.levels.length} levels) | ` +
      `CD hierarchy ${cdHierarchy.ms.toFixed(0)} ms (${cdHierarchy.last.forwardPasses} decomposed passes) | IG ${STEPS} steps ${ig.ms.toFixed(0)} ms | ratios ${ratio.toFixed(2)}, ${cdRatio.toFixed(2)}`,
  );
  const report = {
    benchmark: 'hierarchy-cost',
    description: `full ACD occlusion and CD hierarchies (sweepDim 1, percentileInclude 90, 5 iterations) of one 28×28 Fashion-MNIST image vs one IG run (${STEPS} gauss-legendre steps) of the same image; median of ${REPEATS} after one warm-up, tfjs cpu backend`,
    model: 'examples/fashion-mnist/model (tfjs LayersModel)',
    target,
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    tfjs: tf.version.tfjs,
    hierarchy: { ms: Number(hierarchy.ms.toFixed(1)), forwardPasses: hierarchy.last.forwardPasses, levels: hierarchy.last.tree.levels.length, groups: hierarchy.last.tree.nodes.length - 784 },
    integratedGradients: { ms: Number(ig.ms.toFixed(1)), steps: STEPS, gradientEvaluations: ig.last.gradientEvaluations },
    ratio: Number(ratio.toFixed(2)),
    cdHierarchy: { ms: Number(cdHierarchy.ms.toFixed(1)), forwardPasses: cdHierarchy.last.forwardPasses, levels: cdHierarchy.last.tree.levels.length, groups: cdHierarchy.last.tree.nodes.length - 784 },
    cdRatio: Number(cdRatio.toFixed(2)),
    notTimed: 'the 224×224 case (sweepDim 14) is not part of this benchmark yet',
  };
  mkdirSync(fileURLToPath(new URL('../bench-results/', import.meta.url)), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${RESULTS}`);
  model.dispose();
}

await main();
