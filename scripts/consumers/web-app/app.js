import * as ort from 'onnxruntime-web';
import * as tf from '@tensorflow/tfjs';
import { onnxBackend } from '@ig/onnx/web';
import { tfjsBackend } from '@ig/tfjs';
import { explainOnnx, explainTfjs } from './cases.js';

// As @ig/onnx's README says for a bundler that does not copy onnxruntime-web's files: site/ort/.
ort.env.wasm.wasmPaths = new URL('ort/', import.meta.url).href;

const out = document.querySelector('#result');
try {
  const model = new Uint8Array(await (await fetch('model.onnx')).arrayBuffer());
  const onnx = await explainOnnx(await onnxBackend(model));
  const tfjs = await explainTfjs(tf, tfjsBackend);
  out.textContent = JSON.stringify({ onnx, tfjs });
} catch (error) {
  out.textContent = JSON.stringify({ error: String(error?.stack ?? error) });
}
