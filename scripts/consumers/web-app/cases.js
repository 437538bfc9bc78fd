// The attributions the bundled page and Node both compute, from the same code: @ig/onnx on the
// small CNN of apps/cli/assets, and @ig/tfjs on a dense model with fixed weights (tfjs's cpu
// backend in both, so that the two runs do the same float32 arithmetic).
import { integratedGradients } from '@ig/core';

const wave = (length, phase) => Float32Array.from({ length }, (_, i) => Math.sin(i / 7 + phase) * Math.cos(i / 53));

function summary(backendName, result) {
  const { fInput, fBaseline, delta } = result.reports[0];
  return { backend: backendName, fInput, fBaseline, delta, attributions: Array.from(result.attributions[0].data) };
}

/** IG of class 3 of the CNN (input [1, 1, 28, 28]) on an open @ig/onnx backend, which it disposes. */
export async function explainOnnx(backend) {
  try {
    const result = await integratedGradients(backend, { data: wave(28 * 28, 0), shape: [1, 1, 28, 28] }, { target: 3, steps: 32 });
    return summary(backend.name, result);
  } finally {
    await backend.dispose();
  }
}

/** IG of output 1 of a 6 → 8 (relu) → 3 dense model with fixed weights, on tfjs's cpu backend. */
export async function explainTfjs(tf, tfjsBackend) {
  await tf.setBackend('cpu');
  const dense = (inputs, units, phase, extra) =>
    tf.layers.dense({ units, ...extra, weights: [tf.tensor2d(wave(inputs * units, phase), [inputs, units]), tf.tensor1d(wave(units, phase + 1))] });
  const model = tf.sequential({ layers: [dense(6, 8, 0.3, { inputShape: [6], activation: 'relu' }), dense(8, 3, 1.7)] });
  const result = await integratedGradients(tfjsBackend(model), { data: wave(6, 2.1).map((v) => 2 * v), shape: [1, 6] }, { target: 1, steps: 32 });
  model.dispose();
  return summary(`tfjs/${tf.getBackend()}`, result);
}
