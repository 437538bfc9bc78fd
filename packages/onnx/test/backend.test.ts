import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { integratedGradients, tensor } from '@ig/core';
import { captumModelBytes } from '@ig/test-fixtures';
import { createOnnxBackend, RuntimeError } from '../src/index.js';
import { makeModel } from './helpers/model.js';
import { runtimes } from './helpers/ort.js';
import { rng, uniform } from './helpers/random.js';
import { LIBONNX_PACKAGE, libonnxRoot } from './helpers/libonnx.js';
import { systemData } from './helpers/system-data.js';

const iris = captumModelBytes('iris_mlp');

/** y[n, j] = Σ_k a[n, k]·b[n, k]·w[k, j] + sin(a[n, j mod 3]): two inputs, known gradients. */
const twoInputs = makeModel({
  opset: 17,
  inputs: { a: ['n', 3], b: ['n', 3] },
  constants: { w: { dims: [3, 2], values: [1, -2, 0.5, 3, -1, 0.25] }, idx: { dims: [2], values: [0, 1], type: 'int64' } },
  nodes: [
    { op: 'Mul', inputs: ['a', 'b'], outputs: ['ab'] },
    { op: 'MatMul', inputs: ['ab', 'w'], outputs: ['m'] },
    { op: 'Gather', inputs: ['a', 'idx'], outputs: ['g'], attributes: { axis: { int: 1 } } },
    { op: 'Sin', inputs: ['g'], outputs: ['s'] },
    { op: 'Add', inputs: ['m', 's'], outputs: ['y'] },
  ],
  outputs: ['y'],
});

describe('onnxBackend', () => {
  it('falls back through the providers and reports the one that loaded', async () => {
    const backend = await createOnnxBackend(runtimes.node, 'onnxruntime-node', iris, {
      executionProviders: ['cuda', 'cpu'],
      sessionOptions: { logSeverityLevel: 4 },
    });
    expect(backend.name).toBe('onnxruntime-node/cpu');
    expect(backend.executionProvider).toBe('cpu');
    await backend.dispose();
    await expect(createOnnxBackend(runtimes.node, 'onnxruntime-node', iris, { executionProviders: ['no-such-provider'] })).rejects.toThrow(RuntimeError);
  });

  it('gradients of a two-input model equal the closed form', async () => {
    const backend = await createOnnxBackend(runtimes.node, 'onnxruntime-node', twoInputs);
    expect(backend.inputNames).toEqual(['a', 'b']);
    const random = rng(5);
    const count = 4;
    const a = uniform(random, count * 3);
    const b = uniform(random, count * 3);
    const weights = uniform(random, count * 2);
    const w = [1, -2, 0.5, 3, -1, 0.25];
    for (const batch of [count, 2]) {
      const response = await backend.gradients({
        points: [a.subarray(0, batch * 3), b.subarray(0, batch * 3)],
        pointShapes: [[3], [3]],
        count: batch,
        outputWeights: weights.subarray(0, batch * 2),
      });
      for (let n = 0; n < batch; n++) {
        for (let k = 0; k < 3; k++) {
          // ∂/∂a_k Σ_j c_j (Σ_k a_k b_k w_kj + sin a_j) = b_k Σ_j c_j w_kj + c_k cos a_k (k < 2).
          const c = [weights[n * 2] as number, weights[n * 2 + 1] as number];
          const dot = (c[0] as number) * (w[k * 2] as number) + (c[1] as number) * (w[k * 2 + 1] as number);
          const ak = a[n * 3 + k] as number;
          const expectedA = (b[n * 3 + k] as number) * dot + (k < 2 ? (c[k] as number) * Math.cos(ak) : 0);
          // Measured at most 1.7e-7 (∂/∂a) and 4.9e-8 (∂/∂b) from the float64 closed form; 7e-7 is 4× the larger.
          expect(Math.abs((response.gradients[0]?.[n * 3 + k] as number) - expectedA)).toBeLessThan(7e-7);
          expect(Math.abs((response.gradients[1]?.[n * 3 + k] as number) - ak * dot)).toBeLessThan(7e-7);
        }
      }
      const outputs = await backend.predict({ points: [a.subarray(0, batch * 3), b.subarray(0, batch * 3)], pointShapes: [[3], [3]], count: batch });
      for (let n = 0; n < batch; n++) {
        const objective = (weights[n * 2] as number) * (outputs[n * 2] as number) + (weights[n * 2 + 1] as number) * (outputs[n * 2 + 1] as number);
        // Measured at most 8.4e-8; 4e-7 is 4× it, rounded up.
        expect(Math.abs((response.objective[n] as number) - objective)).toBeLessThan(4e-7);
      }
    }
    await backend.dispose();
  });

  it('a model with a fixed batch of 1 runs point by point, and IG meets completeness', async () => {
    const fixed = makeModel({
      opset: 13,
      inputs: { x: [1, 5] },
      nodes: [
        { op: 'Tanh', inputs: ['x'], outputs: ['t'] },
        { op: 'ReduceSum', inputs: ['t'], outputs: ['y'], attributes: { keepdims: { int: 1 } } },
      ],
      outputs: ['y'],
    });
    const backend = await createOnnxBackend(runtimes.node, 'onnxruntime-node', fixed);
    expect(backend.integrate).toBeUndefined();
    const x = Float32Array.from([0.3, -1.2, 2, 0.5, -0.1]);
    const result = await integratedGradients(backend, tensor(x, [1, 5]), { target: 0, steps: 32 });
    // attr_i = tanh(x_i) − tanh(0) exactly for this separable model.
    // Measured at most 3.8e-8 (32 Gauss–Legendre nodes integrate a separable tanh almost exactly); 2e-7 is 4× it, rounded up.
    x.forEach((v, i) => expect(Math.abs((result.attributions[0]?.data[i] as number) - Math.tanh(v))).toBeLessThan(2e-7));
    await backend.dispose();
  });
});

describe('onnxBackend before anything runs', () => {
  it('rejects a model with an unsupported op at creation, naming every such node', async () => {
    const bytes = makeModel({
      opset: 13,
      inputs: { x: ['n', 4] },
      nodes: [
        { op: 'Det', inputs: ['x'], outputs: ['h'] },
        { op: 'Relu', inputs: ['h'], outputs: ['y'] },
      ],
      outputs: ['y'],
    });
    await expect(createOnnxBackend(runtimes.node, 'onnxruntime-node', bytes)).rejects.toThrow(
      /^no gradient for Det: Det \(opset 13\) node "Det_0": no gradient rule$/,
    );
  });
});

describe('fused path graph (integrate)', () => {
  it('gives the attributions of per-batch gradients on a two-input model, and meets completeness', async () => {
    const fused = await createOnnxBackend(runtimes.node, 'onnxruntime-node', twoInputs);
    const plain = await createOnnxBackend(runtimes.node, 'onnxruntime-node', twoInputs, { fused: false });
    expect(fused.integrate).toBeDefined();
    expect(plain.integrate).toBeUndefined();
    const random = rng(8);
    const inputs = [tensor(uniform(random, 6), [2, 3]), tensor(uniform(random, 6), [2, 3])];
    const options = { target: [1, 0], baselines: [0.2, -0.1], steps: 24 };
    let integrateCalls = 0;
    const integrate = fused.integrate as NonNullable<typeof fused.integrate>;
    const counted = {
      ...fused,
      integrate: (request: Parameters<typeof integrate>[0]) => {
        integrateCalls++;
        return integrate(request);
      },
    };
    const a = await integratedGradients(counted, inputs, options);
    expect(integrateCalls).toBeGreaterThan(0);
    const b = await integratedGradients(plain, inputs, options);
    for (let i = 0; i < 2; i++) {
      const x = a.attributions[i]?.data as Float32Array;
      const y = b.attributions[i]?.data as Float32Array;
      // Measured at most 4.7e-10: the fused graph sums the same float32 gradients; 2 ulps of 1 allowed.
      x.forEach((v, j) => expect(Math.abs(v - (y[j] as number))).toBeLessThan(2.4e-7));
    }
    // A smooth model and 24 Gauss–Legendre nodes: completeness holds to float32 precision
    // (measured |delta| at most 1.5e-8 with |F| < 0.8); 1e-7 is 4× it, rounded up.
    for (const report of a.reports) expect(Math.abs(report.delta)).toBeLessThan(1e-7);
    await fused.dispose();
    await plain.dispose();
  });
});

const legacyModel = join(libonnxRoot, 'pytorch-converted', 'test_BatchNorm2d_eval', 'model.onnx');
const legacyAvailable = systemData(legacyModel, LIBONNX_PACKAGE);

describe('legacy opsets', () => {
  it.skipIf(!legacyAvailable)('runs an opset-6 model from libonnx-testdata that onnxruntime itself rejects (rewritten to opset 11)', async () => {
    const path = legacyModel;
    const bytes = new Uint8Array(readFileSync(path));
    await expect(runtimes.node.InferenceSession.create(bytes)).rejects.toThrow();
    const backend = await createOnnxBackend(runtimes.node, 'onnxruntime-node', bytes);
    // The model takes batches of exactly 2 [2, 3, 6, 6]: one example is padded to a batch of 2.
    const x = tensor(uniform(rng(3), 3 * 6 * 6), [1, 3, 6, 6]);
    const result = await integratedGradients(backend, x, { target: 0, steps: 8 });
    // Inference BatchNorm is affine, so IG is exact: Σ attr = F(x) − F(0) (measured |delta|
    // 1.2e-8 with F(x) = 0.32); 6e-8 is 4× it, rounded up.
    expect(Math.abs(result.reports[0]?.delta ?? 1)).toBeLessThan(6e-8);
    await backend.dispose();
  });
});
