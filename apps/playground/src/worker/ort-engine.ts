/** onnxruntime-web in the worker: wasm (threads + SIMD when cross-origin isolated) or WebGPU. */
import * as ort from 'onnxruntime-web';
import ortLoader from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url';
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import type { GradientBackend } from '@ig/core';
import { onnxBackend } from '@ig/onnx/web';
import { errorLabel } from '../error-label.js';
import { ModelFileError } from './errors.js';
import { threadCount } from './threads.js';

// The loader and binary are served as the site's own files, so no CDN and no bundler plugin is needed.
ort.env.wasm.wasmPaths = { mjs: ortLoader, wasm: ortWasm };
ort.env.wasm.numThreads = threadCount();
ort.env.wasm.simd = true;
ort.env.logLevel = 'error';

export type OrtDevice = 'wasm' | 'webgpu';

/**
 * @ig/onnx turns onnxruntime's memory pattern off because natively it maps a fresh block per run;
 * the wasm heap is never unmapped, and in Chromium ResNet-18's IG-50 ran faster with it on
 * (bench/browser.bench-run.ts: 20.7 s against 24.2 s on a busy 2-core machine).
 */
export async function ortGradientBackend(name: string, bytes: ArrayBuffer, device: OrtDevice): Promise<{ backend: GradientBackend; release: () => void }> {
  let backend: GradientBackend;
  try {
    backend = await onnxBackend(new Uint8Array(bytes), { executionProviders: [device], fused: true, sessionOptions: { enableMemPattern: device === 'wasm' } });
  } catch (error) {
    const reason = error instanceof Error ? `${errorLabel(error)}: ${error.message}` : String(error);
    throw new ModelFileError(`${name} could not be loaded by onnxruntime-web (${device}): ${reason}`);
  }
  return { backend, release: () => void backend.dispose() };
}

export function ortThreads(): number {
  return ort.env.wasm.numThreads ?? 1;
}
