import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { integratedGradients, tensor } from '@ig/core';
import { readNpy } from '@ig/test-fixtures';
import { createOnnxBackend, UnsupportedOpError } from '../src/index.js';
import { fixtureBytes, fixturesDir } from './helpers/fixtures.js';
import { makeModel } from './helpers/model.js';
import { defaultProvider, runtimes } from './helpers/ort.js';

// Quantized models are differentiated with the straight-through estimator (PyTorch's
// fake_quantize backward): the gradient of DequantizeLinear(QuantizeLinear(x)) is 1 where
// round(x/s) + zp is inside the integer range, 0 where it saturates; DynamicQuantizeLinear's scale
// is held fixed, so MatMulInteger and ConvInteger pass the gradient of the float op with the
// dequantized weights (W_q − W_zp)·s_W. Each case below has that gradient in closed form.
const ort = runtimes.node;
const v = [0.7, -1.2, 0.4];
const W = [0.5, -1, 2, 1.5, 0.25, -0.75, -2, 1, 0.3, 0.9, -0.4, 1.1, 0.6, -0.2, 0.8, -1.3, 0.45, 0.05];

/** Σ_j v_j · W[i][j] for each of the 6 inputs: the gradient of v·(x·W). */
const wv = Array.from({ length: 6 }, (_, i) => v.reduce((s, vj, j) => s + vj * (W[i * 3 + j] as number), 0));

async function gradientOf(bytes: Uint8Array, x: readonly number[], shape: readonly number[], runtime: 'node' | 'web' = 'node'): Promise<Float32Array> {
  const backend = await createOnnxBackend(runtimes[runtime], `onnxruntime-${runtime}`, bytes, { executionProviders: [defaultProvider[runtime]] });
  const { gradients } = await backend.gradients({ points: [Float32Array.from(x)], pointShapes: [shape], count: 1, outputWeights: Float32Array.from(v) });
  await backend.dispose();
  return gradients[0] as Float32Array;
}

describe('quantized ONNX models: the straight-through gradient', () => {
  it('QuantizeLinear → DequantizeLinear (uint8, zero point 3): the gradient passes inside the range and stops where it saturates', async () => {
    const bytes = makeModel({
      opset: 13,
      inputs: { x: ['N', 6] },
      constants: { s: { dims: [], values: [0.05] }, zp: { dims: [], values: [3], type: 'uint8' }, w: { dims: [6, 3], values: W } },
      nodes: [
        { op: 'QuantizeLinear', inputs: ['x', 's', 'zp'], outputs: ['q'] },
        { op: 'DequantizeLinear', inputs: ['q', 's', 'zp'], outputs: ['d'] },
        { op: 'MatMul', inputs: ['d', 'w'], outputs: ['y'] },
      ],
      outputs: ['y'],
    });
    // The range is [(0 − 3)·0.05, (255 − 3)·0.05] = [−0.15, 12.6]: −1 and 13 saturate.
    const x = [0.5, -1, 2.3, 13, 0.07, 4];
    const inside = [1, 0, 1, 0, 1, 1];
    const g = await gradientOf(bytes, x, [6]);
    // float32 rounding of W·v: measured 2.2e-7
    wv.forEach((expected, i) => expect(Math.abs((g[i] as number) - expected * (inside[i] as number))).toBeLessThan(1e-6));
  });

  it('per-channel int8 QDQ on an activation (axis 1): each channel by its own scale and range', async () => {
    const scales = [0.01, 0.1, 0.02];
    const bytes = makeModel({
      opset: 13,
      inputs: { x: ['N', 3, 2] },
      constants: {
        s: { dims: [3], values: scales },
        zp: { dims: [3], values: [0, -5, 10], type: 'int8' },
        w: { dims: [6, 3], values: W },
        flat: { dims: [2], values: [0, 6], type: 'int64' },
      },
      nodes: [
        { op: 'QuantizeLinear', inputs: ['x', 's', 'zp'], outputs: ['q'], attributes: { axis: { int: 1 } } },
        { op: 'DequantizeLinear', inputs: ['q', 's', 'zp'], outputs: ['d'], attributes: { axis: { int: 1 } } },
        { op: 'Reshape', inputs: ['d', 'flat'], outputs: ['f'] },
        { op: 'MatMul', inputs: ['f', 'w'], outputs: ['y'] },
      ],
      outputs: ['y'],
    });
    // Channel ranges: [−1.28, 1.27], [−12.3, 13.2], [−2.76, 2.34].
    const x = [1.5, -0.3, 5, -13, 2.3, -2.5];
    const inside = [0, 1, 1, 0, 1, 1];
    const g = await gradientOf(bytes, x, [3, 2]);
    // float32 rounding of W·v: measured 2.2e-7
    wv.forEach((expected, i) => expect(Math.abs((g[i] as number) - expected * (inside[i] as number))).toBeLessThan(1e-6));
  });

  // x → DynamicQuantizeLinear → MatMulInteger with int8 weights (zero point per column) → Cast → × s_x·s_W.
  const wq = [12, -7, 100, 3, 0, -128, 127, 45, -60, 9, 88, -3, -25, 64, 17, 5, -99, 31];
  const wzp = [2, -1, 0];
  const ws = 0.02;
  const dequantized = wq.map((q, k) => (q - (wzp[k % 3] as number)) * ws);
  const dynamic = makeModel({
    opset: 13,
    inputs: { x: ['N', 6] },
    constants: { wq: { dims: [6, 3], values: wq, type: 'int8' }, wzp: { dims: [3], values: wzp, type: 'int8' }, ws: { dims: [], values: [ws] } },
    nodes: [
      { op: 'DynamicQuantizeLinear', inputs: ['x'], outputs: ['xq', 'xs', 'xzp'] },
      { op: 'MatMulInteger', inputs: ['xq', 'wq', 'xzp', 'wzp'], outputs: ['acc'] },
      { op: 'Cast', inputs: ['acc'], outputs: ['accf'], attributes: { to: { int: 1 } } },
      { op: 'Mul', inputs: ['xs', 'ws'], outputs: ['scale'] },
      { op: 'Mul', inputs: ['accf', 'scale'], outputs: ['y'] },
    ],
    outputs: ['y'],
  });
  const dequantizedWv = Array.from({ length: 6 }, (_, i) => v.reduce((s, vj, j) => s + vj * (dequantized[i * 3 + j] as number), 0));

  it.each(['node', 'web'] as const)(
    'DynamicQuantizeLinear → MatMulInteger → Cast → × scales (onnxruntime-%s): the gradient of x·W with the dequantized weights',
    async (runtime) => {
      const g = await gradientOf(dynamic, [0.5, -1, 2.3, 1.3, 0.07, -0.4], [6], runtime);
      // float32 (the dequantized weights rounded to float32): measured 8.0e-8
      dequantizedWv.forEach((expected, i) => expect(Math.abs((g[i] as number) - expected)).toBeLessThan(1e-6));
    },
  );

  it('Integrated Gradients of the dynamically quantized model: (x − x′)·∇, and completeness up to the quantization error', async () => {
    const backend = await createOnnxBackend(ort, 'onnxruntime-node', dynamic);
    const x = [0.5, -1, 2.3, 1.3, 0.07, -0.4];
    const result = await integratedGradients(backend, tensor(x, [1, 6]), { target: { weights: Float32Array.from(v) }, steps: 8 });
    await backend.dispose();
    const attributions = result.attributions[0]?.data as Float32Array;
    // The gradient is the same at every path point: measured 3.1e-7 (float32 sums of 8 points)
    x.forEach((xi, i) => expect(Math.abs((attributions[i] as number) - xi * (dequantizedWv[i] as number))).toBeLessThan(1e-6));
    // F is the quantized model's own output. The attributions add up to the float surrogate's
    // F(x) − F(0) = x·W_deq·v, so the completeness delta is exactly the quantization error of F:
    // the rounding of each x_i to a step of s_x = 3.3/255, at most s_x/2·Σ|∇_i| = 0.04 here.
    const report = result.reports[0];
    const floatF = x.reduce((s, xi, i) => s + xi * (dequantizedWv[i] as number), 0);
    const quantizationError = (report?.fInput as number) - (report?.fBaseline as number) - floatF;
    // Measured: a quantization error of 0.021, and delta + error 9.8e-8.
    expect(Math.abs(quantizationError)).toBeLessThan(0.04);
    expect(Math.abs((report?.delta as number) + quantizationError)).toBeLessThan(1e-6);
  });

  it('ConvInteger (onnxruntime takes a per-tensor weight zero point): the gradient of the float Conv with the dequantized weights', async () => {
    const kernel = Array.from({ length: 18 }, (_, k) => ((k * 37) % 61) - 30);
    const kzp = 3;
    const ks = 0.05;
    const quantized = makeModel({
      opset: 13,
      inputs: { x: ['N', 1, 4, 4] },
      constants: { wq: { dims: [2, 1, 3, 3], values: kernel, type: 'int8' }, wzp: { dims: [], values: [kzp], type: 'int8' }, ws: { dims: [], values: [ks] } },
      nodes: [
        { op: 'DynamicQuantizeLinear', inputs: ['x'], outputs: ['xq', 'xs', 'xzp'] },
        { op: 'ConvInteger', inputs: ['xq', 'wq', 'xzp', 'wzp'], outputs: ['acc'], attributes: { pads: { ints: [1, 1, 1, 1] } } },
        { op: 'Cast', inputs: ['acc'], outputs: ['accf'], attributes: { to: { int: 1 } } },
        { op: 'Mul', inputs: ['xs', 'ws'], outputs: ['scale'] },
        { op: 'Mul', inputs: ['accf', 'scale'], outputs: ['y'] },
      ],
      outputs: ['y'],
    });
    const float = makeModel({
      opset: 13,
      inputs: { x: ['N', 1, 4, 4] },
      constants: { w: { dims: [2, 1, 3, 3], values: kernel.map((q) => (q - kzp) * ks) } },
      nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attributes: { pads: { ints: [1, 1, 1, 1] } } }],
      outputs: ['y'],
    });
    const x = Array.from({ length: 16 }, (_, k) => Math.sin(k) * 2);
    const seed = Float32Array.from({ length: 32 }, (_, k) => Math.cos(k));
    const gradients = async (bytes: Uint8Array): Promise<Float32Array> => {
      const backend = await createOnnxBackend(ort, 'onnxruntime-node', bytes);
      const { gradients: g } = await backend.gradients({ points: [Float32Array.from(x)], pointShapes: [[1, 4, 4]], count: 1, outputWeights: seed });
      await backend.dispose();
      return g[0] as Float32Array;
    };
    const [q, f] = [await gradients(quantized), await gradients(float)];
    // float32 sums of 18 products, gradients up to 2.6: measured 3.0e-7
    q.forEach((value, i) => expect(Math.abs(value - (f[i] as number))).toBeLessThan(1e-6));
  });

  it('block quantization (opset 21 block_size) is refused, naming the node and the form', async () => {
    const bytes = makeModel({
      opset: 21,
      inputs: { x: ['N', 4] },
      constants: { s: { dims: [1, 2], values: [0.1, 0.2] }, w: { dims: [4, 3], values: W.slice(0, 12) } },
      nodes: [
        { op: 'QuantizeLinear', inputs: ['x', 's'], outputs: ['q'], attributes: { axis: { int: 1 }, block_size: { int: 2 } } },
        { op: 'DequantizeLinear', inputs: ['q', 's'], outputs: ['d'], attributes: { axis: { int: 1 }, block_size: { int: 2 } } },
        { op: 'MatMul', inputs: ['d', 'w'], outputs: ['y'] },
      ],
      outputs: ['y'],
    });
    const failure = gradientOf(bytes, [0.1, 0.2, 0.3, 0.4], [4]);
    await expect(failure).rejects.toThrow(UnsupportedOpError);
    await expect(gradientOf(bytes, [0.1, 0.2, 0.3, 0.4], [4])).rejects.toThrow(/block_size 2 \(block quantization\) is not differentiated/);
  });
});

describe('a quantization-aware-trained CNN as PyTorch exports it (QDQ on input, per-channel weights and activation)', () => {
  it.each(['node', 'web'] as const)(
    "onnxruntime-%s: the gradients equal PyTorch autograd's straight-through gradients, saturated inputs exactly 0",
    async (runtime) => {
      const dir = join(fixturesDir, 'quantized');
      const x = readNpy(join(dir, 'x.npy'));
      const weights = readNpy(join(dir, 'weights.npy')).data as Float32Array;
      const expected = readNpy(join(dir, 'gradient.npy')).data as Float32Array;
      const warnings: string[] = [];
      const backend = await createOnnxBackend(runtimes[runtime], `onnxruntime-${runtime}`, fixtureBytes('quantized', 'qat.onnx'), {
        executionProviders: [defaultProvider[runtime]],
        onWarning: (w) => warnings.push(w),
      });
      // The input's and the activation's quantizers are on the path; the weights' are constants.
      expect(warnings).toEqual([
        expect.stringMatching(/^the attributed path holds 2 quantizing node\(s\) \(QuantizeLinear\): gradients are straight-through estimates/),
      ]);
      const outputs = await backend.predict({ points: [x.data as Float32Array], pointShapes: [x.shape.slice(1)], count: 3 });
      const reference = readNpy(join(dir, 'output.npy')).data as Float32Array;
      // onnxruntime's quantizers against PyTorch's fake quantization: measured 6.0e-8
      outputs.forEach((value, i) => expect(Math.abs(value - (reference[i] as number))).toBeLessThan(1e-6));
      const { gradients } = await backend.gradients({ points: [x.data as Float32Array], pointShapes: [x.shape.slice(1)], count: 3, outputWeights: weights });
      await backend.dispose();
      const g = gradients[0] as Float32Array;
      const saturated = Array.from(expected).filter((v) => v === 0).length;
      expect(saturated).toBeGreaterThan(10);
      let worst = 0;
      expected.forEach((value, i) => {
        if (value === 0) expect(Math.abs(g[i] as number)).toBe(0);
        worst = Math.max(worst, Math.abs((g[i] as number) - value));
      });
      // float32 sums of the same products in another order: measured 1.5e-8 on gradients up to 0.12
      expect(worst).toBeLessThan(1e-7);
    },
  );
});
