import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '@ig/test-fixtures';
import * as ortNode from 'onnxruntime-node';
import { createContextualDecomposition, decodeModel, inspect, type ContextInputs } from '../src/index.js';
import { qualifiedOpType } from '../src/model/composite/registry.js';
import { fixturesDir } from './helpers/fixtures.js';
import { optimizedByOnnxruntime } from './helpers/onnxruntime-optimized.js';
import { runtimes } from './helpers/ort.js';
import { rng, uniform } from './helpers/random.js';

/**
 * Contextual decomposition of the models onnxruntime's graph optimizer saves (level 'extended'),
 * whose contrib ops are decomposed as the standard ops they fuse: the parts must be those of the
 * original model, whose decomposition the other tests check against `acd`.
 */
interface OptimizedCase {
  /** Under test/fixtures. */
  readonly file: string;
  /** Ops (qualified) the optimized model must hold on the decomposed path, so the check is not of an unchanged model. */
  readonly fusedOps: readonly string[];
  readonly point: () => { x: Float32Array; pointShape: number[]; masks: Float32Array; count: number };
  readonly input?: string;
  readonly context?: ContextInputs;
  /** Bound on max |part(optimized) − part(original)|, within 10× of the measured deviation (or a float32 ulp of the parts where it is 0). */
  readonly tolerance: number;
}

/** Point 0 of an architecture fixture, with masks all, none and four random ones over its features. */
function architecturePoint(name: string): OptimizedCase['point'] {
  return () => {
    const points = readNpy(join(fixturesDir, 'architectures', `${name}.input.npy`));
    const pointShape = points.shape.slice(1);
    const size = pointShape.reduce((a, b) => a * b, 1);
    const random = rng(5);
    const count = 6;
    const masks = Float32Array.from({ length: count * size }, (_, k) => (k < size ? 1 : k < 2 * size ? 0 : random() < 0.5 ? 1 : 0));
    return { x: points.data.slice(0, size), pointShape, masks, count };
  };
}

/** A torchvision-style fixture's input with `acd`'s masks (H×W, the same for every channel), from its reference file. */
function torchvisionPoint(name: string): OptimizedCase['point'] {
  return () => {
    const reference = JSON.parse(readFileSync(join(fixturesDir, 'cd-torchvision', `${name}.json`), 'utf8')) as {
      inputShape: number[];
      input: number[];
      cases: { mask: number[] }[];
    };
    const channels = reference.inputShape[1] as number;
    const masks = Float32Array.from(reference.cases.flatMap((k) => Array.from({ length: channels }, () => k.mask).flat()));
    return { x: Float32Array.from(reference.input), pointShape: reference.inputShape.slice(1), masks, count: reference.cases.length };
  };
}

/** Random token embeddings [1, 6, 16], masks of no token, every token, one token and a span. */
function encoderPoint(): ReturnType<OptimizedCase['point']> {
  const groups = [[], [0, 1, 2, 3, 4, 5], [0], [3], [1, 2, 3]];
  const masks = new Float32Array(groups.length * 96);
  groups.forEach((g, k) => g.forEach((t) => masks.fill(1, k * 96 + t * 16, k * 96 + (t + 1) * 16)));
  return { x: uniform(rng(3), 96, -1, 1), pointShape: [6, 16], masks, count: groups.length };
}
const context: ContextInputs = { attention_mask: { data: BigInt64Array.from([1n, 1n, 1n, 1n, 1n, 0n]), shape: [1, 6] } };

const cases: readonly OptimizedCase[] = [
  // Measured 0: both graphs run the same ops.
  {
    file: 'architectures/se_silu-opset13.onnx',
    fusedOps: ['com.microsoft.FusedConv', 'com.microsoft.QuickGelu'],
    point: architecturePoint('se_silu'),
    tolerance: 1e-7,
  },
  { file: 'architectures/grouped_conv-opset17.onnx', fusedOps: ['com.microsoft.FusedConv'], point: architecturePoint('grouped_conv'), tolerance: 1e-7 },
  { file: 'architectures/hardswish_se-opset13.onnx', fusedOps: ['com.microsoft.FusedConv'], point: architecturePoint('hardswish_se'), tolerance: 1e-7 },
  // Measured 0 (ReLU6 fused as FusedConv Clip, ReLU as FusedGemm Relu).
  {
    file: 'cd-torchvision/alexnet6.onnx',
    fusedOps: ['com.microsoft.FusedConv', 'com.microsoft.FusedGemm'],
    point: torchvisionPoint('alexnet6'),
    tolerance: 1e-7,
  },
  { file: 'cd-torchvision/vgg_bn.onnx', fusedOps: ['com.microsoft.FusedConv', 'com.microsoft.FusedGemm'], point: torchvisionPoint('vgg_bn'), tolerance: 1e-7 },
  // Measured 7.5e-9.
  {
    file: 'architectures/layer_scale-opset13.onnx',
    fusedOps: ['SimplifiedLayerNormalization', 'com.microsoft.BiasGelu'],
    point: architecturePoint('layer_scale'),
    tolerance: 5e-8,
  },
  // Measured 1.6e-7.
  {
    file: 'architectures/attention-opset17.onnx',
    fusedOps: ['com.microsoft.FusedMatMul', 'com.microsoft.BiasGelu'],
    point: architecturePoint('attention'),
    tolerance: 3e-7,
  },
  // Measured 7.5e-8.
  {
    file: 'cd-transformer/encoder_additive-opset14.onnx',
    fusedOps: ['com.microsoft.FusedMatMul', 'com.microsoft.FusedGemm', 'com.microsoft.BiasGelu', 'com.microsoft.SkipLayerNormalization'],
    point: encoderPoint,
    input: 'x',
    context,
    tolerance: 5e-7,
  },
  // Measured 3.6e-7 (parts up to 1.1): the attention scale, a Div by √d in the original, is a Mul by 1/√d in FusedMatMul.
  {
    file: 'cd-transformer/causal-opset14.onnx',
    fusedOps: ['LayerNormalization', 'com.microsoft.FusedMatMul', 'com.microsoft.SkipLayerNormalization'],
    point: encoderPoint,
    input: 'x',
    context,
    tolerance: 3e-6,
  },
];

const ort = runtimes.node;

async function decompose(
  bytes: Uint8Array,
  c: OptimizedCase,
  point: ReturnType<OptimizedCase['point']>,
): Promise<{ relevant: Float32Array; irrelevant: Float32Array }> {
  const options = { ...(c.input ? { input: c.input } : {}), ...(c.context ? { context: c.context } : {}) };
  const cd = await createContextualDecomposition(ort, 'onnxruntime-node', bytes, options);
  try {
    return await cd.decompose(point.x, point.pointShape, point.masks, point.count);
  } finally {
    await cd.dispose();
  }
}

/** The original model's output at x, as onnxruntime-node computes it. */
async function outputOf(bytes: Uint8Array, c: OptimizedCase, point: ReturnType<OptimizedCase['point']>): Promise<Float32Array> {
  const graph = decodeModel(bytes).graph;
  const input = c.input ?? (graph?.input?.[0]?.name as string);
  const feeds: Record<string, ortNode.Tensor> = { [input]: new ortNode.Tensor('float32', point.x, [1, ...point.pointShape]) };
  for (const [name, value] of Object.entries(c.context ?? {})) feeds[name] = new ortNode.Tensor('int64', value.data as BigInt64Array, [...value.shape]);
  const session = await ortNode.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
  try {
    return (await session.run(feeds))[graph?.output?.[0]?.name as string]?.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe("contextual decomposition of models saved by onnxruntime's graph optimizer", () => {
  it.each(cases.map((c) => [c.file, c] as const))('%s: the parts of the original model, adding up to its output', async (_file, c) => {
    const original = new Uint8Array(readFileSync(join(fixturesDir, c.file)));
    const optimized = await optimizedByOnnxruntime(join(fixturesDir, c.file));
    const held = new Set(decodeModel(optimized).graph?.node?.map((n) => qualifiedOpType(n.opType ?? '', n.domain)) ?? []);
    expect(c.fusedOps.filter((op) => !held.has(op))).toEqual([]);
    expect(inspect(optimized).contextualDecompositionCoverage.supported).toEqual(expect.arrayContaining([...c.fusedOps]));
    const point = c.point();
    const want = await decompose(original, c, point);
    const got = await decompose(optimized, c, point);
    const output = await outputOf(original, c, point);
    let deviation = 0;
    let completeness = 0;
    let scale = 0;
    want.relevant.forEach((rel, i) => {
      const irrel = want.irrelevant[i] as number;
      deviation = Math.max(deviation, Math.abs((got.relevant[i] as number) - rel), Math.abs((got.irrelevant[i] as number) - irrel));
      completeness = Math.max(completeness, Math.abs((got.relevant[i] as number) + (got.irrelevant[i] as number) - (output[i % output.length] as number)));
      scale = Math.max(scale, Math.abs(rel), Math.abs(irrel));
    });
    if (process.env.IG_MEASURE !== undefined) console.log(c.file, deviation, completeness, scale);
    expect(got.relevant.length).toBe(point.count * output.length);
    expect(scale).toBeGreaterThan(0.05);
    expect(deviation).toBeLessThanOrEqual(c.tolerance);
    // Measured at most 3.9e-7 (causal, parts up to 1.1).
    expect(completeness).toBeLessThanOrEqual(1e-6 * Math.max(1, scale));
  });
});
