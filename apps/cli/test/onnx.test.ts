import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { captumModelPath, captumPath } from '@ig/test-fixtures';
import { fixture, ig, readFloat32Npy, tempDir } from './helpers.js';
import { captumCases, expectDeltaMatchesCaptum, expectMatchesCaptum, explainLikeCaptum, type ExampleReports, type CaptumCase } from './captum.js';

const cases = captumCases;
const modelFile = (model: string): string => (model === 'iris_mlp' ? captumModelPath('iris_mlp') : fixture('..', '..', 'assets', 'small_cnn.onnx'));

describe('ig explain on the reference ONNX models reproduces Captum', () => {
  const dir = tempDir('onnx');
  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const out = join(dir, `${c.id.replace('/', '_')}.npy`);
    const report = join(dir, `${c.id.replace('/', '_')}.json`);
    const run = explainLikeCaptum(c, { model: modelFile(c.model), input: captumPath(c.input_file), baseline: captumPath(c.baseline_file), out, report });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expectMatchesCaptum(readFloat32Npy(out), c, 'onnx');
    const json = JSON.parse(readFileSync(report, 'utf8')) as ExampleReports & { engine: string; provider: string; seconds: number };
    expect(json).toMatchObject({ engine: 'onnx', provider: 'cpu' });
    expectDeltaMatchesCaptum(json, c, 'onnx');
  });
});

describe('ig explain --provider wasm (onnxruntime-web in Node)', () => {
  it('reproduces Captum on the small CNN', () => {
    const c = cases.find((k) => k.id === 'small_cnn/c2_gausslegendre_50') as CaptumCase;
    const dir = tempDir('wasm');
    const out = join(dir, 'a.npy');
    const json = join(dir, 'a.json');
    const run = ig([
      'explain',
      '--model',
      modelFile(c.model),
      '--input',
      captumPath(c.input_file),
      '--baseline',
      captumPath(c.baseline_file),
      '--target',
      String(c.target),
      '--steps',
      '50',
      '--provider',
      'wasm',
      '--out',
      out,
      '--json',
      json,
      '--quiet',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expectMatchesCaptum(readFloat32Npy(out), c, 'onnx-web');
    expect(JSON.parse(readFileSync(json, 'utf8'))).toMatchObject({ provider: 'wasm', backend: 'onnxruntime-web/wasm' });
  });
});

describe('ig inspect and ig grad-graph', () => {
  it('inspect lists the inputs, outputs and ops', () => {
    const run = ig(['inspect', fixture('..', '..', 'assets', 'small_cnn.onnx'), '--json']);
    expect(run.code).toBe(0);
    const info = JSON.parse(run.stdout) as {
      inputs: { name: string; shape: unknown[] }[];
      ops: Record<string, number>;
      gradientCoverage: { unsupported: string[] };
    };
    expect(info.inputs[0]).toMatchObject({ name: 'input', shape: ['batch', 1, 28, 28] });
    expect(info.ops).toMatchObject({ Conv: 2, Relu: 2, MaxPool: 1, Gemm: 1 });
    expect(info.gradientCoverage.unsupported).toEqual([]);
  });

  it('grad-graph writes a model whose gradient output is the closed-form gradient of the iris MLP', async () => {
    const dir = tempDir('grad');
    const out = join(dir, 'iris.grad.onnx');
    const run = ig(['grad-graph', captumModelPath('iris_mlp'), '-o', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/wrote .*iris\.grad\.onnx \(outputs ig_grad_input = ∂\/∂input\)/);
    const x = readFloat32Npy(captumPath('data', 'iris_mlp', 'input_virginica_row101.npy')).data;
    const session = await ort.InferenceSession.create(out);
    const seed = Float32Array.from([0, 0, 1]); // ∂ logits[2] / ∂ input
    const result = await session.run({ input: new ort.Tensor('float32', x, [1, 4]), ig_seed: new ort.Tensor('float32', seed, [1, 3]) });
    const gradient = result['ig_grad_input']?.data as Float32Array;
    const w0 = readFloat32Npy(captumPath('weights', 'iris_mlp', 'net.0.weight.npy')).data;
    const b0 = readFloat32Npy(captumPath('weights', 'iris_mlp', 'net.0.bias.npy')).data;
    const w2 = readFloat32Npy(captumPath('weights', 'iris_mlp', 'net.2.weight.npy')).data;
    // ∂ logit₂/∂xᵢ = Σⱼ W₂[2, j] · [W₀x + b₀ > 0]ⱼ · W₀[j, i]
    const active = Array.from(
      { length: 16 },
      (_, j) => (b0[j] as number) + [0, 1, 2, 3].reduce((s, i) => s + (w0[j * 4 + i] as number) * (x[i] as number), 0) > 0,
    );
    const expected = [0, 1, 2, 3].map((i) => active.reduce((s, on, j) => s + (on ? (w2[32 + j] as number) * (w0[j * 4 + i] as number) : 0), 0));
    const worst = Math.max(...expected.map((e, i) => Math.abs((gradient[i] as number) - e))) / Math.max(...expected.map(Math.abs));
    // float32 against float64: measured 4.2e-8 of max |∂F/∂x|
    expect(worst).toBeLessThan(3e-7);
    await session.release();
  });

  it('grad-graph --fused: Σ wₖ ∂F/∂x over the path times (x − x′) reproduces Captum riemann-right', async () => {
    const c = cases.find((k) => k.id === 'small_cnn/c1_riemann_right_32') as CaptumCase;
    const dir = tempDir('fused');
    const out = join(dir, 'cnn.fused.onnx');
    const run = ig(['grad-graph', modelFile('small_cnn'), '-o', out, '--fused', '--steps', '32']);
    expect(run.code).toBe(0);
    const x = readFloat32Npy(captumPath(c.input_file)).data;
    const b = readFloat32Npy(captumPath(c.baseline_file)).data;
    const alphas = Float32Array.from({ length: 32 }, (_, k) => (k + 1) / 32);
    const weights = new Float32Array(32).fill(1 / 32);
    const seed = new Float32Array(10);
    seed[c.target as number] = 1;
    const session = await ort.InferenceSession.create(out);
    const result = await session.run({
      ig_input_input: new ort.Tensor('float32', x, [1, 1, 28, 28]),
      ig_baseline_input: new ort.Tensor('float32', b, [1, 1, 28, 28]),
      ig_alphas: new ort.Tensor('float32', alphas, [32]),
      ig_weights: new ort.Tensor('float32', weights, [32]),
      ig_seed: new ort.Tensor('float32', seed, [1, 10]),
    });
    const sums = result['ig_gradient_sum_input']?.data as Float32Array;
    expectMatchesCaptum({ data: x.map((v, i) => (v - (b[i] as number)) * (sums[i] as number)), shape: [1, 1, 28, 28] }, c, 'onnx');
    await session.release();
  });

  it('bad ONNX files exit 1 with one line', () => {
    const dir = tempDir('badonnx');
    const junk = join(dir, 'junk.onnx');
    writeFileSync(junk, Buffer.from([0x13, 0x37, 0xff, 0x00, 0x42, 0x99, 0x10]));
    for (const args of [
      ['inspect', junk],
      ['grad-graph', junk, '-o', join(dir, 'x.onnx')],
      ['explain', '--model', junk, '--input', captumPath('data', 'iris_mlp', 'input_setosa_row1.npy')],
    ]) {
      const run = ig(args);
      expect(run.code).toBe(1);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/junk\.onnx: (not a readable ONNX model|cannot read the ONNX model|cannot build the gradient graph)/);
    }
    expect(existsSync(join(dir, 'x.onnx'))).toBe(false);
  });
});
