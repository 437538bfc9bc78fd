import * as ort from 'onnxruntime-web';
import wasm from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import loader from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url';
import { integratedGradients, renderHeatmap } from '@ig/core';
import { onnxBackend } from '@ig/onnx/web';

// Serve onnxruntime-web's loader and binary as files of this site (the bundler copies them).
ort.env.wasm.wasmPaths = { mjs: loader, wasm };

const model = new Uint8Array(await (await fetch('./model.onnx')).arrayBuffer());
const backend = await onnxBackend(model); // onnxruntime-web on wasm; ['webgpu', 'wasm'] to try the GPU first
const input = { data: Float32Array.from({ length: 28 * 28 }, (_, i) => Math.sin(i / 7) * Math.cos(i / 53)), shape: [1, 1, 28, 28] };
const result = await integratedGradients(backend, input, { target: 3, steps: 32 });

const attributions = result.attributions[0]!;
const image = renderHeatmap(attributions, { layout: 'chw' });
const canvas = document.querySelector<HTMLCanvasElement>('#heatmap')!;
canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
const { fInput, fBaseline, delta } = result.reports[0]!;
document.querySelector('#result')!.textContent = JSON.stringify({
  backend: backend.name,
  fInput,
  fBaseline,
  delta,
  attributions: Array.from(attributions.data),
});
