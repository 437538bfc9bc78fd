import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '@ig/test-fixtures';
import { createOnnxBackend, inspect } from '../src/index.js';
import { fixtureBytes, fixturesDir } from './helpers/fixtures.js';
import { defaultProvider, runtimes } from './helpers/ort.js';

// Networks in onnxruntime's QOperator form (scripts/quantized_references.py), written from PyTorch's
// quantized parameters; PyTorch computes the same networks with fake quantization, and its
// straight-through gradients are the reference.
// - qoperator: QuantizeLinear, QLinearConv (per-channel weights, int32 bias), MaxPool on uint8,
//   com.microsoft.QLinearGlobalAveragePool, Flatten, QLinearMatMul, com.microsoft.QLinearAdd, com.microsoft.QGemm.
// - qelementwise: com.microsoft.QLinearAveragePool, QLinearLeakyRelu, QLinearSigmoid, QLinearMul,
//   QLinearConcat.
const dir = join(fixturesDir, 'quantized');
// Where onnxruntime's kernels and PyTorch round an element to different steps, the straight-through
// gradient through it differs too (it reads the forward values): measured on qelementwise, 2 of 108
// outputs two steps (0.01) apart, and 8 of 216 input gradients apart by at most 8.9e-4 (of 0.17).
const CASES = [
  { name: 'qoperator', outputSize: 2, outputsApart: 0, step: 0.04, gradientsApart: 0 },
  { name: 'qelementwise', outputSize: 36, outputsApart: 2, step: 0.005, gradientsApart: 8 },
] as const;

describe('QOperator models: each QLinear op lowered into DequantizeLinear, the float op, QuantizeLinear', () => {
  it.each(CASES)('$name: inspect counts every op on the path as differentiable', ({ name }) => {
    expect(inspect(fixtureBytes('quantized', `${name}.onnx`)).gradientCoverage.unsupported).toEqual([]);
  });

  const runs = CASES.flatMap((c) => (['node', 'web'] as const).map((runtime) => ({ ...c, runtime })));
  it.each(runs)("$name on onnxruntime-$runtime: F is the kernels', and the gradients PyTorch's straight-through ones", async (c) => {
    const { name, outputSize, runtime } = c;
    const npy = (what: string) => readNpy(join(dir, `${name}.${what}.npy`));
    const x = npy('x');
    const backend = await createOnnxBackend(runtimes[runtime], `onnxruntime-${runtime}`, fixtureBytes('quantized', `${name}.onnx`), {
      executionProviders: [defaultProvider[runtime]],
    });
    const points = [x.data as Float32Array];
    const pointShapes = [x.shape.slice(1)];
    const outputs = await backend.predict({ points, pointShapes, count: 3 });
    const weights = npy('weights').data as Float32Array;
    const { objective, gradients } = await backend.gradients({ points, pointShapes, count: 3, outputWeights: weights });
    await backend.dispose();
    // onnxruntime's integer kernels and PyTorch's fake quantization give the same quantized outputs
    // but for the elements rounded apart (see CASES), at most two steps.
    const reference = npy('output').data as Float32Array;
    const outputGaps = Array.from(outputs, (value, i) => Math.abs(value - (reference[i] as number))).filter((gap) => gap > 1e-6);
    expect(outputGaps.length).toBe(c.outputsApart);
    outputGaps.forEach((gap) => expect(gap).toBeLessThan(2 * c.step + 1e-6));
    // The lowered forward pass of the gradient graph gives the kernels' F too.
    for (let k = 0; k < 3; k++) {
      let f = 0;
      for (let j = 0; j < outputSize; j++) f += (weights[k * outputSize + j] as number) * (outputs[k * outputSize + j] as number);
      expect(Math.abs((objective[k] as number) - f)).toBeLessThan(1e-6); // measured 2.9e-8
    }
    const expected = npy('gradient').data as Float32Array;
    const g = gradients[0] as Float32Array;
    expect(Array.from(expected).filter((v) => v === 0).length).toBeGreaterThan(5);
    // Elsewhere float32 sums in another order: measured at most 1.5e-8 on gradients up to 0.2.
    const gaps = Array.from(expected, (value, i) => Math.abs((g[i] as number) - value));
    expect(gaps.filter((gap) => gap > 1e-7).length).toBe(c.gradientsApart);
    gaps.forEach((gap) => expect(gap).toBeLessThan(1e-3));
  });
});
