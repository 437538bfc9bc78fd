/** TensorFlow.js in the worker: backend selection (webgl, webgpu, wasm, cpu) and model loading. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { GradientBackend } from '@ig/core';
import { tfjsBackend } from '@ig/tfjs';
import type { ModelSource } from '../protocol.js';
import { pickOutput, type DeclaredOutput } from '../model-outputs.js';
import { ModelFileError } from './errors.js';

setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded });
// tfjs-wasm starts its threads by loading its own script with importScripts, which a bundled
// module worker cannot offer (the worker dies with an uncaught error), so it runs on one thread
// with SIMD; onnxruntime-web's loader is a real module and gets the threads.
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

export type TfjsDevice = 'webgl' | 'webgpu' | 'wasm' | 'cpu';

/** Switches tfjs to `device`; false when the browser cannot run it. */
export async function useTfjsDevice(device: TfjsDevice): Promise<boolean> {
  try {
    if (!(await tf.setBackend(device))) return false;
    await tf.ready();
    return tf.getBackend() === device;
  } catch {
    return false;
  }
}

interface WeightsManifestGroup {
  readonly paths: readonly string[];
  readonly weights: readonly tf.io.WeightsManifestEntry[];
}

/** Joins the weight files in the manifest's order, as tfjs's HTTP loader does. */
function weightData(manifest: readonly WeightsManifestGroup[], files: ReadonlyMap<string, ArrayBuffer>, name: string): ArrayBuffer {
  const parts: Uint8Array[] = [];
  for (const group of manifest) {
    for (const path of group.paths) {
      const file = files.get(path.split('/').pop() ?? path);
      if (file === undefined) throw new ModelFileError(`${name} needs the weight file '${path}'; drop it together with model.json`);
      parts.push(new Uint8Array(file));
    }
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out.buffer;
}

export async function loadTfjsModel(source: Extract<ModelSource, { format: 'tfjs-layers' }>): Promise<tf.LayersModel> {
  let parsed: { modelTopology?: unknown; weightsManifest?: WeightsManifestGroup[] };
  try {
    parsed = JSON.parse(source.modelJson) as typeof parsed;
  } catch (error) {
    throw new ModelFileError(`${source.name} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed.modelTopology !== 'object' || !Array.isArray(parsed.weightsManifest)) {
    throw new ModelFileError(`${source.name} is not a tfjs layers model.json (it needs modelTopology and weightsManifest)`);
  }
  const files = new Map(source.weights.map((w) => [w.name, w.bytes] as const));
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: parsed.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: parsed.weightsManifest.flatMap((g) => g.weights),
    weightData: weightData(parsed.weightsManifest, files, source.name),
  };
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    throw new ModelFileError(`${source.name} could not be loaded by tfjs: ${(error as Error).message}`);
  }
}

/**
 * The model's outputs as tfjs declares them (an unknown dimension is the batch's), by
 * model.outputNames, or the layer's name where a loaded Sequential leaves that list empty.
 */
function declaredOutputs(model: tf.LayersModel): DeclaredOutput[] {
  return model.outputs.map((tensor, k) => ({ name: model.outputNames[k] ?? tensor.sourceLayer.name, shape: tensor.shape.map((d) => d ?? 'batch') }));
}

export async function tfjsGradientBackend(
  source: Extract<ModelSource, { format: 'tfjs-layers' }>,
  output?: string,
): Promise<{ backend: GradientBackend; release: () => void }> {
  const model = await loadTfjsModel(source);
  try {
    const picked = pickOutput(declaredOutputs(model), output, source.name);
    const backend = tfjsBackend(model, picked === undefined ? {} : { output: picked });
    return { backend, release: () => model.dispose() };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

export function tfjsBackendName(): string {
  return `tfjs/${tf.getBackend()}`;
}
