import * as tf from '@tensorflow/tfjs';
import { integratedGradients, renderHeatmap } from '@ig/core';
import { tfjsBackend } from '@ig/tfjs';

await tf.setBackend('webgl'); // or 'wasm', 'webgpu', 'cpu'
const model = await tf.loadLayersModel('./model/model.json'); // Fashion-MNIST CNN, NHWC [1, 28, 28, 1]
const input = { data: Float32Array.from({ length: 28 * 28 }, (_, i) => (Math.abs((i % 28) - 14) < 6 ? 0.8 : 0.05)), shape: [1, 28, 28, 1] };
const result = await integratedGradients(tfjsBackend(model), input, { target: 1, steps: 32 }); // class 1: trouser

const attributions = result.attributions[0]!;
const image = renderHeatmap(attributions, { layout: 'hwc' });
const canvas = document.querySelector<HTMLCanvasElement>('#heatmap')!;
canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
const { fInput, fBaseline, delta } = result.reports[0]!;
document.querySelector('#result')!.textContent = JSON.stringify({
  backend: tf.getBackend(),
  fInput,
  fBaseline,
  delta,
  attributions: Array.from(attributions.data),
});
