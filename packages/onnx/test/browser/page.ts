/** Browser entry: runs IG with the onnxruntime-web backend on a chosen execution provider. */
import * as ort from 'onnxruntime-web';
import { integratedGradients, tensor } from '@ig/core';
import { onnxBackend, type OnnxBackend } from '../../src/web.js';

// The harness serves onnxruntime-web's dist/ (the wasm binaries and their loaders) under /ort/.
// The page is not cross-origin isolated, so the wasm runtime has one thread.
ort.env.wasm.wasmPaths = `${location.origin}/ort/`;
ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

export interface PageTensor {
  readonly data: number[];
  readonly shape: number[];
}

export interface PageRequest {
  /** Which model the bytes are (a cache key: one backend per model, provider and path). */
  readonly model: string;
  readonly bytes: number[];
  readonly provider: 'webgpu' | 'wasm';
  readonly fused: boolean;
  readonly input: PageTensor;
  readonly baseline: PageTensor;
  readonly target: number | number[];
  readonly method: { alphas: number[]; weights: number[] };
  /** Log ONNX Runtime's node placements (verbose session logging) for the sessions this backend creates. */
  readonly logPlacements: boolean;
}

export interface PageResult {
  /** `backend.name`, e.g. `onnxruntime-web/webgpu`. */
  readonly backend: string;
  /** Whether the backend has the fused `integrate` path. */
  readonly fused: boolean;
  readonly attribution: number[];
  readonly deltas: number[];
}

const backends = new Map<string, Promise<OnnxBackend>>();

async function runIntegratedGradients(request: PageRequest): Promise<PageResult> {
  const key = `${request.model}:${request.provider}:${request.fused}`;
  let backend = backends.get(key);
  if (backend === undefined) {
    // Verbose session logs include ONNX Runtime's node placements (which EP runs each node).
    const sessionOptions = request.logPlacements ? { logSeverityLevel: 0, logVerbosityLevel: 0 } : {};
    backend = onnxBackend(Uint8Array.from(request.bytes), { executionProviders: [request.provider], fused: request.fused, sessionOptions });
    backends.set(key, backend);
  }
  const ready = await backend;
  const result = await integratedGradients(ready, tensor(Float32Array.from(request.input.data), request.input.shape), {
    baselines: tensor(Float32Array.from(request.baseline.data), request.baseline.shape),
    target: request.target,
    method: request.method,
  });
  return {
    backend: ready.name,
    fused: ready.integrate !== undefined,
    attribution: Array.from(result.attributions[0]?.data ?? []),
    deltas: result.reports.map((r) => r.delta),
  };
}

/** Releases every session (a check that release works on each provider). */
async function disposeAll(): Promise<void> {
  for (const backend of backends.values()) await (await backend).dispose();
  backends.clear();
}

declare global {
  interface Window {
    runIntegratedGradients: typeof runIntegratedGradients;
    disposeAll: typeof disposeAll;
  }
}

window.runIntegratedGradients = runIntegratedGradients;
window.disposeAll = disposeAll;
