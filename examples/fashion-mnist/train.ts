/**
 * Trains the small Fashion-MNIST CNN that the demo explains, on the cpu backend (about three
 * minutes on 2 cores), and writes model.json, weights.bin and eight test images into fashion-mnist/model/.
 * Usage: node dist/fashion-mnist/train.js [trainingImages=5000] [epochs=2]
 */
import * as tf from '@tensorflow/tfjs';
import { CLASS_NAMES, loadSplit, type Split } from './data.js';
import { MODEL_DIR, saveModel, saveSamples } from './model-files.js';

const SIDE = 28;

function batch(split: Split, from: number, count: number): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  return tf.tidy(() => {
    const pixels = split.images.subarray(from * SIDE * SIDE, (from + count) * SIDE * SIDE);
    const xs = tf.div(tf.tensor4d(Float32Array.from(pixels), [count, SIDE, SIDE, 1]), 255) as tf.Tensor4D;
    const ys = tf.oneHot(tf.tensor1d(split.labels.subarray(from, from + count), 'int32'), 10) as tf.Tensor2D;
    return { xs, ys };
  });
}

function buildModel(): tf.Sequential {
  const seeded = (seed: number) => tf.initializers.heNormal({ seed });
  return tf.sequential({
    name: 'fashion_mnist_cnn',
    layers: [
      // Strided convolutions instead of max pooling: the cpu backend trains them several times faster.
      tf.layers.conv2d({
        inputShape: [SIDE, SIDE, 1],
        filters: 8,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: seeded(1),
      }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: seeded(2) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, kernelInitializer: seeded(3), name: 'logits' }),
    ],
  });
}

async function main(): Promise<void> {
  tf.enableProdMode();
  await tf.setBackend('cpu');
  const trainingImages = Number(process.argv[2] ?? 5000);
  const epochs = Number(process.argv[3] ?? 2);
  const train = loadSplit('train');
  const test = loadSplit('t10k');
  const model = buildModel();
  model.compile({
    optimizer: tf.train.adam(0.003),
    loss: (labels: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(labels, logits),
    metrics: ['accuracy'],
  });
  const { xs, ys } = batch(train, 0, Math.min(trainingImages, train.count));
  const started = Date.now();
  await model.fit(xs, ys, {
    epochs,
    batchSize: 64,
    shuffle: true,
    validationSplit: 0.1,
    callbacks: {
      onEpochEnd: (epoch, logs) =>
        console.log(`epoch ${epoch + 1}/${epochs}: loss ${logs?.loss?.toFixed(4)}, validation accuracy ${((logs?.val_acc ?? 0) * 100).toFixed(1)}%`),
    },
  });
  tf.dispose([xs, ys]);
  console.log(`trained on ${trainingImages} images in ${((Date.now() - started) / 1000).toFixed(0)} s`);

  const evaluation = batch(test, 0, 2000);
  const accuracy = tf.tidy(
    () => tf.mean(tf.cast(tf.equal(tf.argMax(model.predict(evaluation.xs) as tf.Tensor, 1), tf.argMax(evaluation.ys, 1)), 'float32')).dataSync()[0],
  );
  tf.dispose([evaluation.xs, evaluation.ys]);
  console.log(`test accuracy on the first 2000 test images: ${((accuracy ?? 0) * 100).toFixed(1)}%`);

  await saveModel(model);
  // One test image of each of the first eight classes, in test-set order.
  const indices: number[] = [];
  for (let i = 0; i < test.count && indices.length < 8; i++) {
    if ((test.labels[i] as number) === indices.length) indices.push(i);
  }
  const pixels = indices.flatMap((i) => Array.from(test.images.subarray(i * SIDE * SIDE, (i + 1) * SIDE * SIDE)));
  saveSamples({
    description: `Fashion-MNIST test images ${indices.join(', ')} (classes ${indices.map((i) => CLASS_NAMES[test.labels[i] as number]).join(', ')})`,
    shape: [indices.length, SIDE, SIDE, 1],
    labels: indices.map((i) => test.labels[i] as number),
    indices,
    pixels,
  });
  console.log(`wrote model.json, weights.bin and samples.json to ${MODEL_DIR}`);
  model.dispose();
}

await main();
