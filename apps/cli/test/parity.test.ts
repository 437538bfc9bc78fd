import { captumModelPath, captumPath } from '@ig/test-fixtures';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attribute, integratedGradients, type Tensor } from '@ig/core';
import { onnxBackend } from '@ig/onnx/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatNpy } from '../src/npy.js';
import { ig, readFloat32Npy, tempDir } from './helpers.js';
import { twoHeads, twoInputTwoOutputModel } from './parity-models.js';

type Backend = Awaited<ReturnType<typeof onnxBackend>>;

const A = [0.9, -0.4, 1.3, 0.2, 0.5, -1.1];
const B = [-0.7, 1.2, 0.35, 0.8, -0.25, 0.6];
const STEPS = ['--steps', '32', '--batch-size', '32'] as const;

/** Σ attr = F(x) − F(0) in float64 from the closed form, per example. */
function expectCompleteness(attrs: readonly Float32Array[], head: 'y' | 'z', target: number): void {
  for (let e = 0; e < 2; e++) {
    const sum = attrs.reduce((s, a) => s + a.slice(3 * e, 3 * e + 3).reduce((x, v) => x + v, 0), 0);
    const at = twoHeads(A.slice(3 * e, 3 * e + 3), B.slice(3 * e, 3 * e + 3))[head][target] as number;
    const zero = twoHeads([0, 0, 0], [0, 0, 0])[head][target] as number;
    if (process.env['IG_MEASURE']) console.log(`completeness ${head}[${target}] example ${e}: ${Math.abs(sum - (at - zero)).toExponential(2)}`);
    // 32 Gauss–Legendre or 17 Clenshaw–Curtis points integrate these smooth paths to float32 rounding: measured ≤ 4.9e-8.
    expect(Math.abs(sum - (at - zero))).toBeLessThan(4e-7);
  }
}

describe('ig explain with several inputs, --output, every quadrature rule and --noise matches the library', () => {
  let dir: string;
  let model: string;
  let a: string;
  let b: string;
  const tensorA: Tensor = { data: Float32Array.from(A), shape: [2, 3] };
  const tensorB: Tensor = { data: Float32Array.from(B), shape: [2, 3] };
  const backends: Backend[] = [];
  const backend = async (options: { output?: string } = {}): Promise<Backend> => {
    const made = await onnxBackend(readFileSync(model), options);
    backends.push(made);
    return made;
  };

  beforeAll(() => {
    dir = tempDir('parity');
    model = join(dir, 'two-heads.onnx');
    writeFileSync(model, twoInputTwoOutputModel());
    a = join(dir, 'a.npy');
    b = join(dir, 'b.npy');
    writeFileSync(a, formatNpy(tensorA.data, tensorA.shape));
    writeFileSync(b, formatNpy(tensorB.data, tensorB.shape));
  });
  afterAll(async () => {
    for (const made of backends) await made.dispose();
  });

  const explain = (name: string, args: readonly string[]): { a: Float32Array; b: Float32Array; report: { algorithm: string; method: string } } => {
    const out = join(dir, `${name}.npy`);
    const json = join(dir, `${name}.json`);
    const run = ig(['explain', '--model', model, ...args, '--out', out, '--json', json, '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return {
      a: readFloat32Npy(join(dir, `${name}-a.npy`)).data,
      b: readFloat32Npy(join(dir, `${name}-b.npy`)).data,
      report: JSON.parse(readFileSync(json, 'utf8')) as { algorithm: string; method: string },
    };
  };

  it('--input a=… --input b=… equals integratedGradients on [a, b], in either order of the flags', async () => {
    const library = await integratedGradients(await backend(), [tensorA, tensorB], { target: 1, steps: 32, batchSize: 32 });
    for (const order of [
      ['--input', `a=${a}`, '--input', `b=${b}`],
      ['--input', `b=${b}`, '--input', `a=${a}`],
    ]) {
      const cli = explain(`two-${order[1]?.[0]}`, [...order, '--target', '1', ...STEPS]);
      expect(cli.a).toEqual(library.attributions[0]?.data);
      expect(cli.b).toEqual(library.attributions[1]?.data);
      expectCompleteness([cli.a, cli.b], 'y', 1);
    }
  });

  it('--baseline white applies to each input (1 for .npy inputs), as baselines [1, 1] in the library', async () => {
    const library = await integratedGradients(await backend(), [tensorA, tensorB], { baselines: [1, 1], target: 0, steps: 32, batchSize: 32 });
    const cli = explain('white', ['--input', `a=${a}`, '--input', `b=${b}`, '--baseline', 'white', '--target', '0', ...STEPS]);
    expect(cli.a).toEqual(library.attributions[0]?.data);
    expect(cli.b).toEqual(library.attributions[1]?.data);
    const run = ig(['explain', '--model', model, '--input', `a=${a}`, '--input', `b=${b}`, '--baseline', a, '--quiet']);
    expect(run).toMatchObject({ code: 2, stderr: expect.stringContaining('a .npy baseline fits one input') as string });
  });

  it('--output z explains the second head', async () => {
    const library = await integratedGradients(await backend({ output: 'z' }), [tensorA, tensorB], { target: 3, steps: 32, batchSize: 32 });
    const cli = explain('head-z', ['--input', `a=${a}`, '--input', `b=${b}`, '--output', 'z', '--target', '3', ...STEPS]);
    expect(cli.a).toEqual(library.attributions[0]?.data);
    expect(cli.b).toEqual(library.attributions[1]?.data);
    expectCompleteness([cli.a, cli.b], 'z', 3);
  });

  it('--method clenshaw-curtis equals the library on the two-input model and on the iris MLP', async () => {
    const library = await integratedGradients(await backend(), [tensorA, tensorB], { target: 0, method: 'clenshaw-curtis', steps: 17, batchSize: 17 });
    const cli = explain('cc', [
      '--input',
      `a=${a}`,
      '--input',
      `b=${b}`,
      '--target',
      '0',
      '--method',
      'clenshaw-curtis',
      '--steps',
      '17',
      '--batch-size',
      '17',
    ]);
    expect(cli.report.method).toBe('clenshaw-curtis');
    expect(cli.a).toEqual(library.attributions[0]?.data);
    expect(cli.b).toEqual(library.attributions[1]?.data);
    expectCompleteness([cli.a, cli.b], 'y', 0);

    const irisModel = captumModelPath('iris_mlp');
    const input = readFloat32Npy(captumPath('data', 'iris_mlp', 'input_versicolor_row51.npy'));
    const iris = await onnxBackend(readFileSync(irisModel));
    backends.push(iris);
    const expected = await integratedGradients(
      iris,
      { data: input.data, shape: [...input.shape] },
      { target: 2, method: 'clenshaw-curtis', steps: 33, batchSize: 33 },
    );
    const out = join(dir, 'iris-cc.npy');
    const run = ig([
      'explain',
      '--model',
      irisModel,
      '--input',
      captumPath('data', 'iris_mlp', 'input_versicolor_row51.npy'),
      '--target',
      '2',
      '--method',
      'clenshaw-curtis',
      '--steps',
      '33',
      '--batch-size',
      '33',
      '--out',
      out,
      '--quiet',
    ]);
    expect(run.stderr).toBe('');
    expect(readFloat32Npy(out).data).toEqual(expected.attributions[0]?.data);
  });

  it('--noise smoothgrad and vargrad with a fixed seed equal attribute(…, { noise }) of the library', async () => {
    const lib = await backend();
    for (const kind of ['smoothgrad', 'vargrad'] as const) {
      const library = await attribute(lib, [tensorA, tensorB], {
        algorithm: 'integrated-gradients',
        objective: 'logit',
        baselines: [0, 0],
        multiplyByInputs: true,
        target: [1, 1],
        steps: 16,
        batchSize: 16,
        method: 'gauss-legendre',
        noise: { kind, seed: 7, samples: 4, stdev: 0.2 },
      });
      const cli = explain(`noise-${kind}`, [
        '--input',
        `a=${a}`,
        '--input',
        `b=${b}`,
        '--target',
        '1',
        '--steps',
        '16',
        '--batch-size',
        '16',
        '--noise',
        kind,
        '--samples',
        '4',
        '--stdev',
        '0.2',
        '--seed',
        '7',
      ]);
      expect(cli.report.algorithm).toBe(`integrated-gradients under ${kind}`);
      expect(cli.a).toEqual(library.attributions[0]?.data);
      expect(cli.b).toEqual(library.attributions[1]?.data);
      // The noise changes the result: the noisy average differs from plain IG.
      const plain = await integratedGradients(lib, [tensorA, tensorB], { target: 1, steps: 16, batchSize: 16 });
      expect(Math.max(...cli.a.map((v, i) => Math.abs(v - (plain.attributions[0]?.data[i] as number))))).toBeGreaterThan(1e-3);
    }
  });

  it('--noise on a one-input model equals the library too', async () => {
    const irisModel = captumModelPath('iris_mlp');
    const inputFile = captumPath('data', 'iris_mlp', 'input_virginica_row101.npy');
    const input = readFloat32Npy(inputFile);
    const iris = await onnxBackend(readFileSync(irisModel));
    backends.push(iris);
    const library = await attribute(
      iris,
      { data: input.data, shape: [...input.shape] },
      { algorithm: 'saliency', objective: 'logit', target: [2], noise: { kind: 'smoothgrad-sq', seed: 3, samples: 6, stdev: 0.3 } },
    );
    const out = join(dir, 'iris-noise.npy');
    const run = ig([
      'explain',
      '--model',
      irisModel,
      '--input',
      inputFile,
      '--target',
      '2',
      '--algorithm',
      'saliency',
      '--noise',
      'smoothgrad-sq',
      '--samples',
      '6',
      '--stdev',
      '0.3',
      '--seed',
      '3',
      '--out',
      out,
      '--quiet',
    ]);
    expect(run.stderr).toBe('');
    expect(readFloat32Npy(out).data).toEqual(library.attributions[0]?.data);
  });

  it('refuses an unknown input or output name, a missing input and a mix of named and unnamed inputs', () => {
    const run = (args: readonly string[]): { code: number | null; stderr: string } => ig(['explain', '--model', model, ...args, '--quiet']);
    expect(run(['--input', `a=${a}`, '--input', `c=${b}`])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("the model has no input 'c'; its inputs are a, b") as string,
    });
    expect(run(['--input', `a=${a}`])).toMatchObject({ code: 2, stderr: expect.stringContaining("the model input 'b' has no --input b=FILE") as string });
    expect(run(['--input', `a=${a}`, '--input', b])).toMatchObject({ code: 2, stderr: expect.stringContaining('names none') as string });
    expect(run(['--input', `a=${a}`, '--input', `b=${b}`, '--output', 'w'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--output w: "w" is neither an output of the graph (y, z) nor a tensor that one of its nodes computes') as string,
    });
    expect(run(['--input', `a=${a}`, '--input', `a=${b}`])).toMatchObject({ code: 2, stderr: expect.stringContaining('--input a= is given twice') as string });
  });
});
