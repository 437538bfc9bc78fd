import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gaussLegendre } from '@ig/core';
import { captumModelPath, captumPath } from '@ig/test-fixtures';
import { DataType, encodeModel, makeTensor, onnx } from '@ig/onnx';
import { formatNpy } from '../src/npy.js';
import { ig, readFloat32Npy, tempDir } from './helpers.js';

const W = [1.5, -0.5];

/** y = Σᵢ aᵢ² + Σⱼ bⱼ·wⱼ on inputs a [N, 3] and b [N, 2]: IG from zero is aᵢ² and bⱼ·wⱼ exactly. */
function twoInputModel(): Uint8Array {
  const info = (name: string, size: number): onnx.ValueInfoProto =>
    onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: size }] } } } });
  const node = (opType: string, input: string[], output: string): onnx.NodeProto => onnx.NodeProto.create({ name: output, opType, input, output: [output] });
  const graph = onnx.GraphProto.create({
    name: 'two-inputs',
    input: [info('a', 3), info('b', 2)],
    output: [info('y', 1)],
    initializer: [makeTensor('w', [2, 1], DataType.FLOAT, W), makeTensor('ones', [3, 1], DataType.FLOAT, [1, 1, 1])],
    node: [node('Mul', ['a', 'a'], 'squares'), node('MatMul', ['squares', 'ones'], 's'), node('MatMul', ['b', 'w'], 'l'), node('Add', ['s', 'l'], 'y')],
  });
  return encodeModel(onnx.ModelProto.create({ irVersion: 8, producerName: 'ig-cli-tests', opsetImport: [{ domain: '', version: 13 }], graph }));
}

describe('ig check', () => {
  const model = captumModelPath('iris_mlp');
  const input = captumPath('data', 'iris_mlp', 'input_virginica_row101.npy');

  it('passes on a converged integral and reports completeness against F(x) − F(x′)', () => {
    const dir = tempDir('check');
    const json = join(dir, 'axioms.json');
    const run = ig(['check', '--model', model, '--input', input, '--steps', '300', '--tolerance', '0.05', '--json', json]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^✓ completeness/m);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { passed: boolean; target: number; checks: { axiom: string; values: Record<string, number> }[] };
    expect(report.passed).toBe(true);
    // logits at this input: class 1 is the argmax (target auto)
    expect(report.target).toBe(1);
    const values = report.checks.find((c) => c.axiom === 'completeness')?.values ?? {};
    // The closed form of the MLP F(x) = W₂[t]·relu(W₀x + b₀) + b₂[t] from a zero baseline: the
    // IG sum over the 300 Gauss–Legendre nodes is Σₖ wₖ Σⱼ W₂[t,j]·[h_j(αₖx) > 0]·(W₀x)ⱼ.
    const x = readFloat32Npy(input).data;
    const w0 = readFloat32Npy(captumPath('weights', 'iris_mlp', 'net.0.weight.npy')).data; // [16, 4]
    const b0 = readFloat32Npy(captumPath('weights', 'iris_mlp', 'net.0.bias.npy')).data;
    const w2 = readFloat32Npy(captumPath('weights', 'iris_mlp', 'net.2.weight.npy')).data; // [3, 16]
    const slope = Array.from({ length: 16 }, (_, j) => [0, 1, 2, 3].reduce((s, i) => s + (w0[j * 4 + i] as number) * (x[i] as number), 0));
    const hidden = (alpha: number): number[] => slope.map((v, j) => (b0[j] as number) + alpha * v);
    const head = (h: number[]): number => h.reduce((s, v, j) => s + (w2[16 + j] as number) * Math.max(0, v), 0);
    const rule = gaussLegendre(300);
    const attributionSum = rule.alphas.reduce(
      (total, alpha, k) =>
        total + (rule.weights[k] as number) * hidden(alpha).reduce((s, h, j) => (h > 0 ? s + (w2[16 + j] as number) * (slope[j] as number) : s), 0),
      0,
    );
    const outputDifference = head(hidden(1)) - head(hidden(0));
    const errors = [Math.abs((values['attributionSum'] as number) - attributionSum), Math.abs((values['outputDifference'] as number) - outputDifference)].map(
      (e) => e / Math.abs(outputDifference),
    );
    if (process.env.IG_MEASURE !== undefined) console.log(JSON.stringify({ check: errors }));
    // float32 onnxruntime against float64: measured 2.7e-8 and 1.9e-7 of |F(x) − F(x′)|
    expect(errors[0]).toBeLessThan(2e-7);
    expect(errors[1]).toBeLessThan(1e-6);
  });

  it('checks a model of two inputs given as --input NAME=FILE, and refuses one unnamed file for it', () => {
    const cwd = tempDir('check-two-inputs');
    writeFileSync(join(cwd, 'two.onnx'), twoInputModel());
    const a = [0.5, -1.25, 2];
    const b = [3, 0.75];
    writeFileSync(join(cwd, 'a.npy'), formatNpy(Float32Array.from(a), [1, 3]));
    writeFileSync(join(cwd, 'b.npy'), formatNpy(Float32Array.from(b), [1, 2]));
    const run = ig(['check', '--model', 'two.onnx', '--input', 'a=a.npy', '--input', 'b=b.npy', '--target', '0', '--json', 'axioms.json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(cwd, 'axioms.json'), 'utf8')) as {
      passed: boolean;
      inputs: Record<string, string>;
      checks: { axiom: string; values: Record<string, number> }[];
    };
    expect(report.passed).toBe(true);
    expect(report.inputs).toEqual({ a: 'a.npy', b: 'b.npy' });
    const values = report.checks.find((c) => c.axiom === 'completeness')?.values ?? {};
    // F(x) − F(0) = Σ aᵢ² + Σ bⱼwⱼ = 5.8125 + 4.125, and so is Σ attributions: measured 0 and 5.5e-7 off (float32 sums of 9.94).
    const exact = a.reduce((s, v) => s + v * v, 0) + b.reduce((s, v, j) => s + v * (W[j] as number), 0);
    expect(Math.abs((values['outputDifference'] as number) - exact)).toBeLessThan(2e-6);
    expect(Math.abs((values['attributionSum'] as number) - exact)).toBeLessThan(2e-6);
    expect(report.checks.filter((c) => c.axiom === 'sensitivity').length).toBeGreaterThan(0);
    const single = ig(['check', '--model', 'two.onnx', '--input', 'a.npy'], { cwd });
    expect(single.code).toBe(2);
    expect(single.stderr).toContain('two.onnx takes 2 inputs (a, b); give each one as --input NAME=FILE');
  });

  it('exits 1 when an axiom fails, naming it, and keeps the report', () => {
    const dir = tempDir('check-fail');
    const json = join(dir, 'axioms.json');
    const run = ig(['check', '--model', model, '--input', input, '--steps', '2', '--method', 'riemann-left', '--json', json]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^✗ completeness/m);
    expect(run.stderr).toMatch(/^error: axiom check failed: completeness, sensitivity/m);
    // riemann-left was chosen, so the default rule is worth suggesting; the warning comes first.
    expect(run.stderr).toContain('or the default --method gauss-legendre');
    expect(run.stderr).toMatch(/^warning: example 0: completeness error/);
    expect(existsSync(json)).toBe(true);
  });
});
