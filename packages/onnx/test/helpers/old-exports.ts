import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '@ig/test-fixtures';
import type { OnnxBackend } from '../../src/index.js';
import { onnxBackend } from '../../src/node.js';
import type { ContextInputs } from '../../src/runtime/context.js';
import { fixturesDir } from './fixtures.js';
import { maxAbs } from './random.js';

/** One model of scripts/old_exports.py (see its docstring for the forms each holds). */
export interface OldExportCase {
  readonly model: string;
  readonly opset: number;
  readonly irVersion: number;
  readonly input: string;
  readonly inputFile: string;
  readonly output: string;
  /** The objective's weights over each point's output, one row per point. */
  readonly weights: readonly number[];
  /** ∂(Σ w·output[k])/∂input[k] by torch autograd in float64 (stored as float32). */
  readonly gradient: string;
  /** Σ w·output[k] per point by torch in float64, at the input and at a zero input. */
  readonly value: readonly number[];
  readonly valueAtZero: readonly number[];
  /** Integer inputs held fixed, input name → .npy file (one value per point). */
  readonly context: Readonly<Record<string, string>>;
  readonly ops: readonly string[];
}

export const oldExportsDir = join(fixturesDir, 'old-exports');

export const oldExportCases: Readonly<Record<string, OldExportCase>> = (
  JSON.parse(readFileSync(join(oldExportsDir, 'references.json'), 'utf8')) as { cases: Record<string, OldExportCase> }
).cases;

export const oldExportBytes = (name: string): Uint8Array => new Uint8Array(readFileSync(join(oldExportsDir, `${name}.onnx`)));

export interface OldExportPoint {
  readonly x: Float32Array;
  readonly pointShape: readonly number[];
  readonly weights: Float32Array;
  readonly expected: Float32Array;
  readonly value: number;
  readonly valueAtZero: number;
  readonly context: ContextInputs;
}

/** Each point of a case with its weights, torch's gradient and values, and its context inputs (one point's row each). */
export function oldExportPoints(c: OldExportCase): OldExportPoint[] {
  const input = readNpy(join(oldExportsDir, c.inputFile));
  const gradient = readNpy(join(oldExportsDir, c.gradient)).data;
  const count = c.value.length;
  const size = input.data.length / count;
  const rows = c.weights.length / count;
  const contexts = Object.entries(c.context).map(([name, file]) => [name, readNpy(join(oldExportsDir, file))] as const);
  return c.value.map((value, k) => ({
    x: input.data.slice(k * size, (k + 1) * size),
    pointShape: input.shape.slice(1),
    weights: Float32Array.from(c.weights.slice(k * rows, (k + 1) * rows)),
    expected: gradient.slice(k * size, (k + 1) * size),
    value,
    valueAtZero: c.valueAtZero[k] as number,
    context: Object.fromEntries(
      contexts.map(([name, npy]) => [name, { data: BigInt64Array.of(BigInt(npy.data[k] as number)), shape: [1, ...npy.shape.slice(1)] }]),
    ),
  }));
}

/** The public onnxruntime-node backend for one point of the case (context inputs are one example's value). */
export function oldExportBackend(c: OldExportCase, point: OldExportPoint): Promise<OnnxBackend> {
  return onnxBackend(oldExportBytes(c.model.replace(/\.onnx$/, '')), { output: c.output, context: point.context });
}

/** max over the points of max |ours − torch| / max |torch| of the input gradient, and the smallest max |torch|. */
export async function oldExportDeviation(c: OldExportCase): Promise<{ gradient: number; logit: number; scale: number }> {
  let gradient = 0;
  let logit = 0;
  let scale = Infinity;
  for (const point of oldExportPoints(c)) {
    const backend = await oldExportBackend(c, point);
    try {
      const response = await backend.gradients({ points: [point.x], pointShapes: [point.pointShape], count: 1, outputWeights: point.weights });
      const got = response.gradients[0] as Float32Array;
      const pointScale = maxAbs(point.expected);
      let error = 0;
      for (let i = 0; i < got.length; i++) error = Math.max(error, Math.abs((got[i] as number) - (point.expected[i] as number)));
      gradient = Math.max(gradient, error / pointScale);
      scale = Math.min(scale, pointScale);
      const output = await backend.predict({ points: [point.x], pointShapes: [point.pointShape], count: 1 });
      let ours = 0;
      for (let i = 0; i < point.weights.length; i++) ours += (point.weights[i] as number) * (output[i] as number);
      logit = Math.max(logit, Math.abs(ours - point.value) / Math.max(1, Math.abs(point.value)));
    } finally {
      await backend.dispose();
    }
  }
  return { gradient, logit, scale };
}
