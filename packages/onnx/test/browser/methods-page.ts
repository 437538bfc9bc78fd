/** Browser entry: every gradient method of @ig/core with the onnxruntime-web backend (wasm). */
import * as ort from 'onnxruntime-web';
import { attribute, tensor } from '@ig/core';
import { onnxBackend } from '../../src/web.js';
import { methodRuns, type MethodsRequest } from './method-runs.js';

ort.env.wasm.wasmPaths = `${location.origin}/ort/`;
ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

async function runMethods(request: MethodsRequest): Promise<{ backend: string; results: Record<string, number[]> }> {
  const backend = await onnxBackend(Uint8Array.from(request.bytes), { executionProviders: ['wasm'] });
  const results: Record<string, number[]> = {};
  try {
    for (const [name, options] of Object.entries(methodRuns(Float32Array.from(request.baseline), request.shape))) {
      const result = await attribute(backend, tensor(Float32Array.from(request.input), request.shape), { ...options, target: request.target });
      results[name] = Array.from(result.attributions[0]?.data ?? []);
    }
    return { backend: backend.name, results };
  } finally {
    await backend.dispose();
  }
}

declare global {
  interface Window {
    runMethods: typeof runMethods;
  }
}

window.runMethods = runMethods;
