// A browser app's imports, typechecked without @types/node: the browser entry points' declarations
// must not need Node's types (Buffer, NodeJS.*).
import * as ort from 'onnxruntime-web';
import * as tf from '@tensorflow/tfjs';
import { gaussLegendre, integratedGradients, renderHeatmap, type IntegratedGradientsResult } from '@ig/core';
import * as wasm from '@ig/core/wasm';
import { decodeModel } from '@ig/onnx';
import { onnxBackend } from '@ig/onnx/web';
import { tfjsBackend } from '@ig/tfjs';

export async function explain(url: string, canvas: HTMLCanvasElement): Promise<IntegratedGradientsResult> {
  ort.env.wasm.wasmPaths = new URL('ort/', import.meta.url).href;
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const backend = await onnxBackend(decodeModel(bytes), { executionProviders: ['wasm'] });
  const result = await integratedGradients(
    backend,
    { data: new Float32Array(28 * 28), shape: [1, 1, 28, 28] },
    { target: 3, method: 'gauss-legendre', steps: gaussLegendre(8).alphas.length },
  );
  const image = renderHeatmap(result.attributions[0]!, { layout: 'chw' });
  canvas.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
  await backend.dispose();
  return result;
}

export const modules = [wasm, tfjsBackend(tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] }))];
