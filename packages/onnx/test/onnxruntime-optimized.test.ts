import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { integratedGradients, tensor, type IntegratedGradientsResult } from '@ig/core';
import { readNpy } from '@ig/test-fixtures';
import { createOnnxBackend, decodeModel, type OnnxBackendOptions } from '../src/index.js';
import { qualifiedOpType } from '../src/model/composite/registry.js';
import { fixturesDir } from './helpers/fixtures.js';
import { optimizedByOnnxruntime } from './helpers/onnxruntime-optimized.js';
import { runtimes } from './helpers/ort.js';
import { maxAbs, rng, uniform } from './helpers/random.js';

/**
 * Fixtures that onnxruntime's own graph optimizer rewrites with its contrib ops (level 'extended',
 * as `SessionOptions.optimizedModelFilePath` saves them): Integrated Gradients of the saved model
 * must be those of the original, on the same input, baseline and steps.
 */
interface OptimizedCase {
  /** Under test/fixtures. */
  readonly file: string;
  /** Contrib ops (qualified) the optimized model must hold, so the check is not of an unchanged model. */
  readonly contribOps: readonly string[];
  readonly point: () => { input: Float32Array; baseline: Float32Array; shape: number[] };
  readonly target: number;
  readonly options?: OnnxBackendOptions;
  /**
   * Bound on max |IG(optimized) − IG(original)| / max |IG(original)|, within 10× of the measured
   * deviation; 1e-7 (a float32 ulp near 1) where the lowering computes the original's very ops and
   * the measured deviation is 0.
   */
  readonly tolerance: number;
  /** Bound on |Σ attr − (F(x) − F(x'))| of both models at 64 steps, about 4× the measured delta. */
  readonly completeness: number;
}

/** Point 0 of an architecture fixture's inputs, against point 1 as the baseline. */
function architecturePoint(name: string): () => { input: Float32Array; baseline: Float32Array; shape: number[] } {
  return () => {
    const points = readNpy(join(fixturesDir, 'architectures', `${name}.input.npy`));
    const shape = [1, ...points.shape.slice(1)];
    const size = shape.reduce((a, b) => a * b, 1);
    return { input: points.data.slice(0, size), baseline: points.data.slice(size, 2 * size), shape };
  };
}

/** Random token embeddings [1, 6, 16], the last position masked out. */
function encoderPoint(): { input: Float32Array; baseline: Float32Array; shape: number[] } {
  return { input: uniform(rng(3), 96, -1, 1), baseline: uniform(rng(4), 96, -1, 1), shape: [1, 6, 16] };
}
const mask = { attention_mask: { data: BigInt64Array.from([1n, 1n, 1n, 1n, 1n, 0n]), shape: [1, 6] } };

const optimizedCases: readonly OptimizedCase[] = [
  // IG deviation measured 0 and |delta| 3.1e-8.
  {
    file: 'architectures/se_silu-opset13.onnx',
    contribOps: ['com.microsoft.FusedConv', 'com.microsoft.QuickGelu'],
    point: architecturePoint('se_silu'),
    target: 0,
    tolerance: 1e-7,
    completeness: 2e-7,
  },
  // IG deviation measured 9.9e-8 and |delta| 8.8e-9.
  {
    file: 'architectures/layer_scale-opset13.onnx',
    contribOps: ['SimplifiedLayerNormalization', 'com.microsoft.BiasGelu'],
    point: architecturePoint('layer_scale'),
    target: 0,
    tolerance: 5e-7,
    completeness: 5e-8,
  },
  // IG deviation measured 0 and |delta| 4.9e-5: ReLU kinks between the 64 points.
  {
    file: 'architectures/grouped_conv-opset17.onnx',
    contribOps: ['com.microsoft.FusedConv'],
    point: architecturePoint('grouped_conv'),
    target: 0,
    tolerance: 1e-7,
    completeness: 2e-4,
  },
  // IG deviation measured 0 and |delta| 2.2e-7: Hardswish and Hardsigmoid kinks between the 64 points.
  {
    file: 'architectures/hardswish_se-opset13.onnx',
    contribOps: ['com.microsoft.FusedConv'],
    point: architecturePoint('hardswish_se'),
    target: 0,
    tolerance: 1e-7,
    completeness: 1e-6,
  },
  // IG deviation measured 2.2e-7 and |delta| 1.7e-8.
  {
    file: 'architectures/window_attention-opset13.onnx',
    contribOps: ['LayerNormalization', 'SimplifiedLayerNormalization', 'com.microsoft.Gelu'],
    point: architecturePoint('window_attention'),
    target: 0,
    tolerance: 1e-6,
    completeness: 1e-7,
  },
  // IG deviation measured 6.4e-8 and |delta| 7.5e-9.
  {
    file: 'architectures/attention-opset17.onnx',
    contribOps: ['com.microsoft.FusedMatMul', 'com.microsoft.BiasGelu'],
    point: architecturePoint('attention'),
    target: 0,
    tolerance: 3e-7,
    completeness: 5e-8,
  },
  {
    file: 'cd-transformer/encoder_additive-opset14.onnx',
    contribOps: ['com.microsoft.FusedMatMul', 'com.microsoft.FusedGemm', 'com.microsoft.BiasGelu', 'com.microsoft.SkipLayerNormalization'],
    point: encoderPoint,
    target: 1,
    options: { inputs: ['x'], context: mask },
    // IG deviation measured 8.8e-8 and |delta| 1.8e-8.
    tolerance: 4e-7,
    completeness: 1e-7,
  },
  {
    file: 'cd-transformer/causal-opset14.onnx',
    contribOps: ['LayerNormalization', 'com.microsoft.FusedMatMul', 'com.microsoft.SkipLayerNormalization'],
    point: encoderPoint,
    target: 1,
    options: { inputs: ['x'], context: mask },
    // IG deviation measured 6.8e-8 and |delta| 1.7e-7.
    tolerance: 3e-7,
    completeness: 1e-6,
  },
];

const STEPS = 64;
async function explain(bytes: Uint8Array, c: OptimizedCase): Promise<IntegratedGradientsResult> {
  const backend = await createOnnxBackend(runtimes.node, 'onnxruntime-node', bytes, c.options);
  const { input, baseline, shape } = c.point();
  try {
    return await integratedGradients(backend, tensor(input, shape), { target: c.target, steps: STEPS, baselines: tensor(baseline, shape) });
  } finally {
    await backend.dispose();
  }
}

describe("models saved by onnxruntime's graph optimizer (contrib ops lowered into standard ops)", () => {
  it.each(optimizedCases.map((c) => [c.file, c] as const))('%s: the same Integrated Gradients as the original', async (file, c) => {
    const optimized = await optimizedByOnnxruntime(join(fixturesDir, file));
    const held = new Set(decodeModel(optimized).graph?.node?.map((n) => qualifiedOpType(n.opType ?? '', n.domain)) ?? []);
    expect(c.contribOps.filter((op) => !held.has(op))).toEqual([]);
    const original = await explain(new Uint8Array(readFileSync(join(fixturesDir, file))), c);
    const rewritten = await explain(optimized, c);
    const want = original.attributions[0]?.data as Float32Array;
    const got = rewritten.attributions[0]?.data as Float32Array;
    expect(got.length).toBe(want.length);
    const scale = maxAbs(want);
    // Not a vanishing attribution: the smallest is hardswish_se's (saturated gates), 4.3e-5.
    expect(scale).toBeGreaterThan(1e-5);
    let deviation = 0;
    want.forEach((w, i) => (deviation = Math.max(deviation, Math.abs((got[i] as number) - w) / scale)));
    expect(deviation).toBeLessThanOrEqual(c.tolerance);
    const [before, after] = [original.reports[0], rewritten.reports[0]];
    // The same objective at the input, and completeness for both.
    expect(Math.abs((after?.fInput ?? NaN) - (before?.fInput ?? NaN))).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(before?.fInput ?? 0)));
    expect(Math.abs(before?.delta ?? NaN)).toBeLessThanOrEqual(c.completeness);
    expect(Math.abs(after?.delta ?? NaN)).toBeLessThanOrEqual(c.completeness);
  });
});
