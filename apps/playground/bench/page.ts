/**
 * The benchmark page: the playground's own engine set-up (onnxruntime-web wasm with threads and
 * SIMD when cross-origin isolated, the fused path; tfjs webgl), timed on the page's thread.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradientBackend } from '@ig/core';
import { tfjsBackend } from '@ig/tfjs';
import { ortGradientBackend, ortThreads } from '../src/worker/ort-engine.js';
import { loadTfjsModel, useTfjsDevice } from '../src/worker/tfjs-engine.js';
import { BUNDLED_MODELS } from '../src/models.js';
import { modelSource } from '../src/inputs.js';
import { timeIgAndForwards, type BenchRequest } from './time-ig.js';
import smallCnnUrl from '../../cli/assets/small_cnn.onnx?url';

export type { BenchRequest } from './time-ig.js';

export interface BenchResult {
  readonly backend: string;
  readonly threads: number;
  readonly crossOriginIsolated: boolean;
  /** Seconds of one IG run after a warm-up run, and of `steps` single-point forward passes. */
  readonly igSeconds: number;
  readonly forwardsSeconds: number;
  readonly relativeError: number;
  readonly attributionSum: number;
}

async function measure(backend: GradientBackend, name: string, threads: number, request: BenchRequest): Promise<BenchResult> {
  const { result, igSeconds, forwardsSeconds } = await timeIgAndForwards(backend, request);
  const report = result.reports[0];
  return {
    backend: name,
    threads,
    crossOriginIsolated,
    igSeconds,
    forwardsSeconds,
    relativeError: report?.relativeError ?? NaN,
    attributionSum: report?.attributionSum ?? NaN,
  };
}

async function benchOrt(url: string, request: BenchRequest): Promise<BenchResult> {
  const bytes = await (await fetch(url)).arrayBuffer();
  const { backend, release } = await ortGradientBackend(url, bytes, 'wasm');
  try {
    return await measure(backend, backend.name, ortThreads(), request);
  } finally {
    release();
  }
}

async function benchTfjs(device: 'webgl' | 'wasm', request: BenchRequest): Promise<BenchResult> {
  if (!(await useTfjsDevice(device))) throw new Error(`tfjs ${device} is not available`);
  const model = await loadTfjsModel((await modelSource(BUNDLED_MODELS[0] as (typeof BUNDLED_MODELS)[number])) as Parameters<typeof loadTfjsModel>[0]);
  try {
    return await measure(tfjsBackend(model), `tfjs/${tf.getBackend()}`, 1, request);
  } finally {
    model.dispose();
  }
}

declare global {
  interface Window {
    benchOrt: typeof benchOrt;
    benchTfjs: typeof benchTfjs;
    smallCnnUrl: string;
  }
}

window.benchOrt = benchOrt;
window.benchTfjs = benchTfjs;
window.smallCnnUrl = smallCnnUrl;
document.body.dataset.ready = 'true';
