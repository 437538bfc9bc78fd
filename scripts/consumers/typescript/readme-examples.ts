// The packages' README examples as a TypeScript app writes them, with typed arguments; this file
// must typecheck under "strict": true with each moduleResolution (scripts/consumers/typescript.mjs).
import { readFileSync } from 'node:fs';
import { functionBackend, integratedGradients, renderHeatmap, tensor, type IntegratedGradientsResult, type PathReport, type Tensor } from '@ig/core';
import { onnxBackend, type OnnxBackend } from '@ig/onnx/node';
import { onnxBackend as webOnnxBackend } from '@ig/onnx/web';
import { fileGraphCache } from '@ig/onnx/cache';
import { tfjsBackend } from '@ig/tfjs';
import * as ort from 'onnxruntime-web';
import * as tf from '@tensorflow/tfjs';

// @ig/core: F(x) = softplus(w·x) and its gradient.
const w = [0.5, -1.2, 2.0];
const z = (x: Float32Array): number => w.reduce((s, wi, i) => s + wi * (x[i] ?? 0), 0);
const backend = functionBackend({
  forward: ([x]) => [Math.log1p(Math.exp(z(x!)))],
  gradient: ([x], [seed]) => [Float32Array.from(w, (wi) => ((seed ?? 0) / (1 + Math.exp(-z(x!)))) * wi)],
});
const result: IntegratedGradientsResult = await integratedGradients(backend, tensor([1, 2, 3], [1, 3]), { target: 0 });
const first: Tensor | undefined = result.attributions[0];
const report: PathReport | undefined = result.reports[0];
export const coreExample: [Float32Array | undefined, number | undefined] = [first?.data, report?.delta];

// @ig/onnx in Node.
export async function onnxNodeExample(): Promise<number> {
  const model: OnnxBackend = await onnxBackend(new Uint8Array(readFileSync('model.onnx')), { graphCache: fileGraphCache({ dir: 'graphs' }) });
  const input = tensor(new Float32Array(28 * 28).fill(0.5), [1, 1, 28, 28]);
  const { attributions, reports } = await integratedGradients(model, input, { target: 3, steps: 32 });
  await model.dispose();
  const shape: readonly number[] | undefined = attributions[0]?.shape;
  return (reports[0]?.delta ?? NaN) + (shape?.length ?? 0);
}

// @ig/onnx in a browser, with onnxruntime-web's wasm files served from /ort/.
export async function onnxWebExample(canvas: HTMLCanvasElement): Promise<void> {
  ort.env.wasm.wasmPaths = '/ort/';
  const model = new Uint8Array(await (await fetch('./model.onnx')).arrayBuffer());
  const web: OnnxBackend = await webOnnxBackend(model, { executionProviders: ['webgpu', 'wasm'] });
  const input = { data: new Float32Array(28 * 28), shape: [1, 1, 28, 28] };
  const { attributions } = await integratedGradients(web, input, { target: 3, steps: 32 });
  const image = renderHeatmap(attributions[0]!, { layout: 'chw' });
  canvas.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
}

// @ig/tfjs.
export async function tfjsExample(): Promise<Float32Array | undefined> {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 16, activation: 'relu' }), tf.layers.dense({ units: 3 })] });
  const input = { data: Float32Array.from([5.1, 3.5, 1.4, 0.2]), shape: [1, 4] };
  const { attributions } = await integratedGradients(tfjsBackend(model), input, { target: 0, steps: 50 });
  return attributions[0]?.data;
}
