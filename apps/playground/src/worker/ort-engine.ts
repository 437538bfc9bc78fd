/** onnxruntime-web in the worker: wasm (threads + SIMD when cross-origin isolated) or WebGPU. */
import * as ort from 'onnxruntime-web';
import ortLoader from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url';
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import type { GradientBackend } from '@ig/core';
import { onnxBackend, prepareModel, type onnx, type PreparedModel } from '@ig/onnx/web';
import { pickOutput, type DeclaredOutput } from '../model-outputs.js';
import { errorLabel } from '../error-label.js';
import { ModelFileError } from './errors.js';
import { threadCount } from './threads.js';

// The loader and binary are served as the site's own files, so no CDN and no bundler plugin is needed.
ort.env.wasm.wasmPaths = { mjs: ortLoader, wasm: ortWasm };
ort.env.wasm.numThreads = threadCount();
ort.env.wasm.simd = true;
ort.env.logLevel = 'error';

export type OrtDevice = 'wasm' | 'webgpu';

/** The graph's outputs as declared (symbolic dimensions by name, unknown ones null), as `ig inspect` lists them. */
function declaredOutputs(graph: onnx.IGraphProto): DeclaredOutput[] {
  return (graph.output ?? []).map((o) => {
    const dims = o.type?.tensorType?.shape?.dim;
    const size = (d: onnx.TensorShapeProto.IDimension): number | string | null =>
      d.dimParam ? d.dimParam : d.dimValue !== null && d.dimValue !== undefined ? Number(d.dimValue) : null;
    return { name: o.name ?? '', shape: dims ? dims.map(size) : null };
  });
}

/**
 * The model prepared once (decoded; a ModelProto given to onnxBackend would be copied through its
 * bytes), its `output` picked (see pickOutput), and a backend for it. @ig/onnx turns onnxruntime's
 * memory pattern off because natively it maps a fresh block per run; the wasm heap is never
 * unmapped, and in Chromium ResNet-18's IG-50 ran faster with it on
 * (bench/browser.bench-run.ts: 20.7 s against 24.2 s on a busy 2-core machine).
 */
export async function ortGradientBackend(
  name: string,
  bytes: ArrayBuffer,
  device: OrtDevice,
  output?: string,
): Promise<{ backend: GradientBackend; release: () => void }> {
  let model: PreparedModel;
  let outputs: DeclaredOutput[];
  try {
    // As onnxBackend prepares it (the legacy-opset upgrade waits for the shapes a probe gives).
    model = prepareModel(new Uint8Array(bytes), { deferUpgrade: true });
    outputs = declaredOutputs(model.model.graph ?? {});
  } catch (error) {
    throw new ModelFileError(`${name} could not be loaded by onnxruntime-web (${device}): ${errorLabel(error as Error)}: ${(error as Error).message}`);
  }
  const picked = pickOutput(outputs, output, name);
  let backend: GradientBackend;
  try {
    backend = await onnxBackend(model, {
      executionProviders: [device],
      fused: true,
      sessionOptions: { enableMemPattern: device === 'wasm' },
      ...(picked === undefined ? {} : { output: picked }),
    });
  } catch (error) {
    const reason = error instanceof Error ? `${errorLabel(error)}: ${error.message}` : String(error);
    throw new ModelFileError(`${name} could not be loaded by onnxruntime-web (${device}): ${reason}`);
  }
  return { backend, release: () => void backend.dispose() };
}

export function ortThreads(): number {
  return ort.env.wasm.numThreads ?? 1;
}
