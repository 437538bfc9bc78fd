import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GradientBackend } from '@ig/core';
import type * as ModelIo from '../src/proto/model-io.js';

// Every decode of a model goes through decodeModel: count them on the way to a first gradient.
const decodes = vi.hoisted(() => ({ count: 0 }));
vi.mock('../src/proto/model-io.js', async (importOriginal) => {
  const original = await importOriginal<typeof ModelIo>();
  return {
    ...original,
    decodeModel: (bytes: Uint8Array) => {
      decodes.count++;
      return original.decodeModel(bytes);
    },
  };
});

const { onnxBackend } = await import('../src/node.js');
const { checkGradientSupport, buildGradientModel, createOnnxBackend, inferFacts } = await import('../src/index.js');
const { prepareModel } = await import('../src/model/prepare.js');
const { captumModelBytes } = await import('@ig/test-fixtures');
const { makeModel } = await import('./helpers/model.js');
const { runtimes } = await import('./helpers/ort.js');

const iris = captumModelBytes('iris_mlp');
const cnn = captumModelBytes('small_cnn');
// NonZero is one op static shape inference declines, so this model's shapes come from a probe run.
const probed = makeModel({
  opset: 13,
  inputs: { x: ['n', 3] },
  nodes: [
    { op: 'NonZero', inputs: ['x'], outputs: ['i'] },
    { op: 'Relu', inputs: ['x'], outputs: ['y'] },
  ],
  outputs: ['y'],
});

const open: GradientBackend[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((b) => b.dispose()));
});

async function firstGradient(bytes: Uint8Array, pointShape: readonly number[], outputSize: number, fused: boolean) {
  decodes.count = 0;
  const backend = await onnxBackend(bytes, { fused });
  open.push(backend);
  const size = pointShape.reduce((a, b) => a * b, 1);
  const x = Float32Array.from({ length: 2 * size }, (_, i) => Math.sin(i + 1));
  const seed = new Float32Array(2 * outputSize).fill(1);
  const response = await backend.gradients({ points: [x], pointShapes: [pointShape], count: 2, outputWeights: seed });
  if (fused && backend.integrate) {
    await backend.integrate({
      input: [x.subarray(0, size)],
      baseline: [new Float32Array(size)],
      pointShapes: [pointShape],
      alphas: Float32Array.of(0.25, 0.75),
      weights: Float32Array.of(0.5, 0.5),
      outputWeights: seed.subarray(0, outputSize),
    });
  }
  return { backend, x, gradient: response.gradients[0] as Float32Array, decodes: decodes.count };
}

describe('a model is decoded and prepared once', () => {
  it('from onnxBackend(bytes) to the first gradient and fused integral, with statically inferred shapes', async () => {
    const run = await firstGradient(cnn, [1, 28, 28], 10, true);
    expect(run.backend.stats.sessions.fused).toBe(1);
    expect(run.decodes).toBe(1);
    expect((await firstGradient(iris, [4], 3, false)).decodes).toBe(1);
  });

  it('from onnxBackend(bytes) to the first gradient of a model whose shapes are probed', async () => {
    const run = await firstGradient(probed, [3], 3, false);
    expect(run.backend.stats.sessions.probe).toBe(1);
    expect(run.decodes).toBe(1);
    // y = relu(x) under a seed of ones: the gradient is the step function of x.
    expect(Array.from(run.gradient)).toEqual(Array.from(run.x, (v) => (v > 0 ? 1 : 0)));
  });

  it('a prepared model is shared by the support check, the builders and the backend without another decode', async () => {
    decodes.count = 0;
    const prepared = prepareModel(cnn);
    checkGradientSupport(prepared);
    const facts = inferFacts(prepared.model, new Map([['input', [2, 1, 28, 28]]])) ?? undefined;
    const built = buildGradientModel(prepared, { facts });
    const backend = await createOnnxBackend(runtimes.node, 'onnxruntime-node', prepared);
    open.push(backend);
    expect(decodes.count).toBe(1);
    // The builders extend copies: the prepared model keeps its own nodes.
    expect(built.model.graph?.node?.length).toBeGreaterThan(prepared.model.graph?.node?.length ?? 0);
    expect(prepared.model.graph?.input?.some((v) => v.name === 'ig_seed')).toBe(false);
  });
});
