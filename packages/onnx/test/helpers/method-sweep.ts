import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GradientBackend, Tensor } from '@ig/core';
import { METHOD_SWEEP_DIR, readNpy } from '@ig/test-fixtures';
import { createOnnxBackend } from '../../src/index.js';
import { defaultProvider, runtimes } from './ort.js';

/** One reference of scripts/fixtures/make_method_sweep_references.py (Captum 0.7.0 or PAIR saliency). */
export interface SweepCase {
  readonly id: string;
  readonly model: string;
  readonly inputs: readonly string[];
  readonly target: readonly number[];
  readonly attributions: readonly string[];
  readonly baselines?: readonly string[];
  readonly noise?: readonly string[];
  readonly references?: readonly string[];
  readonly options?: Record<string, number | boolean>;
  readonly pixel?: readonly number[];
  readonly mean_delta?: number;
}

const sweepDir = METHOD_SWEEP_DIR;
const cases = (JSON.parse(readFileSync(join(sweepDir, 'references.json'), 'utf8')) as { cases: SweepCase[] }).cases;

export function sweepCase(id: string): SweepCase {
  const found = cases.find((c) => c.id === id);
  if (found === undefined) throw new Error(`no case ${id} in method-sweep/references.json`);
  return found;
}

export function sweepTensor(file: string): Tensor {
  const { data, shape } = readNpy(join(sweepDir, file));
  return { data, shape };
}

const backends = new Map<string, Promise<GradientBackend>>();

/** The onnxruntime-node backend of a sweep model, created once per model. */
export function sweepBackend(model: string): Promise<GradientBackend> {
  let backend = backends.get(model);
  if (backend === undefined) {
    const bytes = new Uint8Array(readFileSync(join(sweepDir, model)));
    backend = createOnnxBackend(runtimes.node, 'onnxruntime-node', bytes, { executionProviders: [defaultProvider.node] });
    backends.set(model, backend);
  }
  return backend;
}

/**
 * Captum's recorded noise replayed sample by sample: its rows are example-major (row e·samples + s
 * is example e's noise in sample s), so sample s gathers one row per example.
 */
export function replayNoise(c: SweepCase, samples = 4): (sample: number, input: number) => Float32Array {
  const noise = (c.noise ?? []).map(sweepTensor);
  return (sample, input) => {
    const n = noise[input] as Tensor;
    const rows = n.shape[0] as number;
    const size = n.data.length / rows;
    const out = new Float32Array((rows / samples) * size);
    for (let e = 0; e < rows / samples; e++) out.set(n.data.subarray((e * samples + sample) * size, (e * samples + sample + 1) * size), e * size);
    return out;
  };
}
