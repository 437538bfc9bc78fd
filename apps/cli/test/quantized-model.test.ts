import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatNpy } from '../src/npy.js';
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

  it('refines --steps auto on the gradient alone and says why completeness stays above the tolerance (--verbose, --json)', () => {
    const json = join(tempDir('quantized-auto'), 'report.json');
    const run = ig(['explain', '--model', join(DIR, 'qat.onnx'), '--input', join(DIR, 'x.npy'), '--steps', 'auto', '--verbose', '--json', json, '--no-cache']);
    expect(run.code).toBe(0);
    type Refinement = { evaluations: number; staircase: boolean; integrandErrorBound: number; jumps: unknown[] };
    const report = JSON.parse(readFileSync(json, 'utf8')) as { examples: { relativeError: number; refinement: Refinement; warning?: string }[] };
    expect(report.examples).toHaveLength(3);
    for (const example of report.examples) {
      // The default tolerance, 1%; measured: 158, 178 and 240 evaluations (before: 6, 1025 (the cap) and 43).
      expect(example.refinement.staircase).toBe(true);
      expect(example.refinement.integrandErrorBound).toBeLessThanOrEqual(0.01);
      expect(example.refinement.evaluations).toBeLessThan(1025);
      if (example.relativeError > 0.01) expect(example.warning).toMatch(/F is a staircase along the path/);
    }
    expect(run.stdout + run.stderr).toMatch(
      /F is a staircase \(straight-through gradients or many jumps\): refined on the gradient alone, its integral within 0\.\d+%/,
    );
    expect(run.stderr).not.toMatch(/hit its cap|raise maxSteps|--max-steps/);
  });

  it('ig hierarchy --score cd on a QOperator model: the whole input scores the output onnxruntime computes', () => {
    const cwd = tempDir('qoperator-cd');
    const x = readFloat32Npy(join(DIR, 'qoperator.x.npy'));
    const size = x.data.length / (x.shape[0] as number);
    writeFileSync(join(cwd, 'x.npy'), formatNpy(x.data.subarray(0, size), [1, ...x.shape.slice(1)]));
    const run = ig(
      ['hierarchy', '--model', join(DIR, 'qoperator.onnx'), '--input', 'x.npy', '--score', 'cd', '--target', '1', '--json', 'h.json', '--no-cache'],
      { cwd },
    );
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(cwd, 'h.json'), 'utf8')) as { fullScore: number };
    // With every feature relevant nothing is left irrelevant (packages/onnx/test/contextual-decomposition-qoperator.test.ts).
    const output = readFloat32Npy(join(DIR, 'qoperator.output.npy')).data;
    // PyTorch's output (the kernels agree on this network): measured 4.8e-7 of 4.79, one float32 step.
    expect(Math.abs(report.fullScore - (output[1] as number))).toBeLessThan(1e-6);
  });
});
