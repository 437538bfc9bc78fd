import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ig, readFloat32Npy, tempDir } from './helpers.js';

// A quantization-aware-trained CNN as PyTorch exports it (packages/onnx/scripts/quantized_references.py):
// QuantizeLinear/DequantizeLinear pairs, with PyTorch's outputs as the reference.
const DIR = fileURLToPath(new URL('../../../packages/onnx/test/fixtures/quantized/', import.meta.url));

describe('ig explain on a quantized (QDQ) model', () => {
  it('gives each example the F PyTorch computes, and says the gradients are straight-through estimates', () => {
    const json = join(tempDir('quantized'), 'report.json');
    const run = ig([
      'explain',
      '--model',
      join(DIR, 'qat.onnx'),
      '--input',
      join(DIR, 'x.npy'),
      '--target',
      '0',
      '--steps',
      '32',
      '--json',
      json,
      '--no-cache',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^warning: the attributed path holds 2 quantizing node\(s\) \(QuantizeLinear\): gradients are straight-through estimates/);
    const torch = readFloat32Npy(join(DIR, 'output.npy')).data;
    const examples = (JSON.parse(readFileSync(json, 'utf8')) as { examples: { fInput: number }[] }).examples;
    expect(examples).toHaveLength(3);
    // onnxruntime's quantizers against PyTorch's fake quantization: within 6e-8 (packages/onnx/test/quantized-models.test.ts)
    examples.forEach((report, k) => expect(Math.abs(report.fInput - (torch[k * 5] as number))).toBeLessThan(1e-6));
  });
});
