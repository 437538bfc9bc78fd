/** One explanation in the worker: load (or reuse) the backend, predict, integrate, report. */
import {
  integratedGradients,
  InvalidOptionError,
  smoothIntegratedGradients,
  tensor,
  type GradientBackend,
  type PathReport,
  type QuadratureMethod,
} from '@ig/core';
import type { EngineId, RunReport, RunRequest } from '../protocol.js';
import { EngineUnavailableError } from './errors.js';
import { outputSummary } from './probabilities.js';
import { runReport } from './run-report.js';
import { ortGradientBackend } from './ort-engine.js';
import { tfjsBackendName, tfjsGradientBackend, useTfjsDevice, type TfjsDevice } from './tfjs-engine.js';

interface Loaded {
  readonly key: string;
  readonly backend: GradientBackend;
  readonly release: () => void;
}

let loaded: Loaded | undefined;

/** Frees the loaded model and its sessions or tensors (after a cancel, or before another model). */
export function releaseLoaded(): void {
  loaded?.release();
  loaded = undefined;
}

async function backendFor(request: RunRequest): Promise<GradientBackend> {
  const key = `${request.model.key}|${request.engine}|${request.output ?? ''}`;
  if (loaded?.key === key) return loaded.backend;
  releaseLoaded();
  const [family, device] = request.engine.split('-') as ['tfjs' | 'ort', string];
  if (request.model.format === 'onnx') {
    if (family !== 'ort')
      throw new EngineUnavailableError(
        `${request.model.name} is an ONNX model: choose an onnxruntime-web engine (ort-wasm or ort-webgpu), not ${request.engine}`,
      );
    loaded = { key, ...(await ortGradientBackend(request.model.name, request.model.bytes, device as 'wasm' | 'webgpu', request.output)) };
  } else {
    if (family !== 'tfjs') throw new EngineUnavailableError(`${request.model.name} is a TensorFlow.js model: choose a tfjs engine, not ${request.engine}`);
    if (!(await useTfjsDevice(device as TfjsDevice))) throw new EngineUnavailableError(`tfjs cannot start its ${device} backend in this browser`);
    loaded = { key, ...(await tfjsGradientBackend(request.model, request.output)) };
  }
  return loaded.backend;
}

function baselineValue(request: RunRequest): number {
  const data = request.input.data;
  if (request.baseline === 'zero') return 0;
  if (request.baseline === 'min') return data.reduce((m, v) => Math.min(m, v), Infinity);
  return data.reduce((s, v) => s + v, 0) / data.length;
}

function backendLabel(engine: EngineId, backend: GradientBackend): string {
  return engine.startsWith('tfjs') ? tfjsBackendName() : backend.name;
}

export interface RunHooks {
  readonly signal: AbortSignal;
  readonly stage: (stage: string) => void;
  readonly progress: (done: number, total: number) => void;
}

export async function explain(request: RunRequest, hooks: RunHooks): Promise<{ report: RunReport; attributions: Float32Array; shape: readonly number[] }> {
  const started = performance.now();
  hooks.stage('loading the model');
  const backend = await backendFor(request);
  hooks.signal.throwIfAborted();
  hooks.stage('predicting');
  const pointShape = request.input.shape.slice(1);
  const logits = await backend.predict({ points: [request.input.data], pointShapes: [pointShape], count: 1 });
  const { ranked, value } = outputSummary(logits);
  const target = request.target ?? ranked[0]?.index ?? 0;
  if (!(Number.isInteger(target) && target >= 0 && target < logits.length))
    throw new InvalidOptionError(
      logits.length === 1
        ? `target ${target}: ${request.model.name} has one output (target 0)`
        : `target ${target}: ${request.model.name} has ${logits.length} classes (0 … ${logits.length - 1})`,
    );
  hooks.stage('integrating');
  const input = tensor(request.input.data, [...request.input.shape]);
  const options = {
    baselines: baselineValue(request),
    target,
    steps: request.steps,
    // `steps: 'auto'` places its own points; the quadrature choice applies to fixed steps.
    ...(request.steps === 'auto' ? {} : { method: request.method as QuadratureMethod }),
    signal: hooks.signal,
    onProgress: hooks.progress,
  };
  let attributions: Float32Array;
  let report: PathReport;
  let method = request.steps === 'auto' ? 'auto' : request.method;
  const warnings: string[] = [];
  if (request.algorithm === 'integrated-gradients') {
    const result = await integratedGradients(backend, input, options);
    attributions = result.attributions[0]?.data as Float32Array;
    report = result.reports[0] as PathReport;
    method = result.method;
    warnings.push(...result.warnings);
  } else {
    const values = request.input.data;
    const range = values.reduce((m, v) => Math.max(m, v), -Infinity) - values.reduce((m, v) => Math.min(m, v), Infinity);
    const result = await smoothIntegratedGradients(backend, input, { ...options, kind: request.algorithm, samples: 5, stdev: 0.15 * range });
    attributions = result.attributions[0]?.data as Float32Array;
    // The completeness identity holds per noisy sample; the first one is reported.
    report = result.sampleReports[0]?.[0] as PathReport;
  }
  return {
    attributions,
    shape: request.input.shape,
    report: runReport(report, {
      model: request.model.name,
      engine: request.engine,
      backend: backendLabel(request.engine, backend),
      algorithm: request.algorithm,
      method,
      target,
      started,
      ranked,
      ...(value === undefined ? {} : { value }),
      warnings,
    }),
  };
}
