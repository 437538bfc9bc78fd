import { join } from 'node:path';
import { METHOD_SWEEP_DIR, readNpy } from '@ig/test-fixtures';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ig, readFloat32Npy, tempDir } from './helpers.js';

// `ig explain` on the models of scripts/fixtures/make_method_sweep_references.py: a BatchNorm/MaxPool
// CNN on a batch with a target per example, a segmentation output with --target c,h,w, an image +
// vector model, a Softmax output, a grey non-square image for Blur IG and Guided IG. Expected values
// are Captum 0.7.0's (PAIR saliency's for Blur IG and Guided IG); the library's own tests measured
// onnxruntime-node ≤ 3.8e-7 of max |attr| from them, so 2e-6 here as there.
const TOLERANCE = 2e-6;
const dir = tempDir('method-sweep');
const sweep = (file: string): string => join(METHOD_SWEEP_DIR, file);
interface SweepCase {
  readonly id: string;
  readonly attributions: readonly string[];
}
const cases = (JSON.parse(readFileSync(sweep('references.json'), 'utf8')) as { cases: SweepCase[] }).cases;

function expected(id: string, index = 0): Float32Array {
  const c = cases.find((k) => k.id === id);
  if (c === undefined) throw new Error(`no case ${id}`);
  return readNpy(sweep(c.attributions[index] as string)).data;
}

function deviation(got: Float32Array, want: Float32Array, scale = 1): number {
  let worst = 0;
  let max = 0;
  want.forEach((v, i) => {
    worst = Math.max(worst, Math.abs((got[i] as number) * scale - v));
    max = Math.max(max, Math.abs(v));
  });
  return worst / max;
}

function explain(name: string, args: readonly string[]): string {
  const out = join(dir, `${name}.npy`);
  const run = ig(['explain', ...args, '--out', out, '--quiet']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return out;
}

const BN = ['--model', sweep('bn_cnn.onnx'), '--input', sweep('bn_cnn.batch.npy'), '--target', '0,3,1'];

describe('ig explain on new models matches Captum and PAIR saliency', () => {
  const runs: [string, string[], string, number?][] = [
    ['bn_cnn/saliency', [...BN, '--algorithm', 'saliency'], 'batch of 3, a target each'],
    ['bn_cnn/input_x_gradient', [...BN, '--algorithm', 'input-x-gradient'], 'batch of 3'],
    ['bn_cnn/ig_no_multiply_gl32', [...BN, '--no-multiply-by-inputs', '--steps', '32'], 'batch of 3'],
    // Captum's riemann_trapezoid weighs n points by 1/n; ours by 1/(n − 1).
    [
      'bn_cnn/ig_trapezoid32_baseline',
      [...BN, '--baseline', sweep('bn_cnn.baseline.npy'), '--steps', '32', '--method', 'riemann-trapezoid'],
      'baseline .npy',
      31 / 32,
    ],
    [
      'bn_cnn/wide_saliency',
      ['--model', sweep('bn_cnn.onnx'), '--input', sweep('bn_cnn.wide.npy'), '--target', '2,4', '--algorithm', 'saliency'],
      'non-square 24×40',
    ],
    [
      'segment/saliency',
      ['--model', sweep('segment.onnx'), '--input', sweep('segment.x.npy'), '--target', '2,4,7', '--algorithm', 'saliency'],
      '--target c,h,w',
    ],
    ['segment/ig_gl32', ['--model', sweep('segment.onnx'), '--input', sweep('segment.x.npy'), '--target', '2,4,7', '--steps', '32'], '--target c,h,w'],
    [
      'softmax_mlp/input_x_gradient',
      ['--model', sweep('softmax_mlp.onnx'), '--input', sweep('softmax_mlp.x.npy'), '--target', '1,3,0', '--algorithm', 'input-x-gradient'],
      'Softmax output',
    ],
    [
      'grey_cnn/blur_ig',
      ['--model', sweep('grey_cnn.onnx'), '--input', sweep('grey_cnn.x.npy'), '--target', '2', '--algorithm', 'blur-ig', '--max-sigma', '4', '--steps', '32'],
      'grey 12×20',
    ],
    [
      'grey_cnn/guided_ig',
      ['--model', sweep('grey_cnn.onnx'), '--input', sweep('grey_cnn.x.npy'), '--target', '2', '--algorithm', 'guided-ig', '--steps', '32'],
      'grey 12×20',
    ],
  ];
  it.each(runs)('%s (%s)', (id, args, _what, scale = 1) => {
    const out = explain(id.replace('/', '_'), args);
    expect(deviation(readFloat32Npy(out).data, expected(id), scale)).toBeLessThan(TOLERANCE);
  });

  it('two_input/ig_gl32: an image and a vector as --input NAME=FILE', () => {
    const image = `image=${sweep('two_input.image.npy')}`;
    const vector = `vector=${sweep('two_input.vector.npy')}`;
    const out = explain('two_input', ['--model', sweep('two_input.onnx'), '--input', image, '--input', vector, '--target', '2,0', '--steps', '32']);
    expect(deviation(readFloat32Npy(out.replace('.npy', '-image.npy')).data, expected('two_input/ig_gl32', 0))).toBeLessThan(TOLERANCE);
    expect(deviation(readFloat32Npy(out.replace('.npy', '-vector.npy')).data, expected('two_input/ig_gl32', 1))).toBeLessThan(TOLERANCE);
  });
});

describe('--objective probability on a model whose output is already Softmax', () => {
  it('warns that softmax is applied twice and names --objective logit', () => {
    const args = ['explain', '--model', sweep('softmax_mlp.onnx'), '--input', sweep('softmax_mlp.x.npy'), '--target', '1,3,0'];
    const twice = ig([...args, '--objective', 'probability', '--steps', '8', '--out', join(dir, 'twice.npy')]);
    expect(twice.code).toBe(0);
    expect(twice.stderr).toContain("objective 'probability' takes a softmax of the model's outputs, but they already sum to 1");
    expect(twice.stderr).toContain("objective 'logit' explains the probabilities themselves");
  });
});

describe('ig explain refuses options the method would ignore, naming them', () => {
  const refusals: [string, string[], string][] = [
    [
      '--baseline with saliency',
      ['--algorithm', 'saliency', '--baseline', 'uniform'],
      '--baseline is an option of --algorithm integrated-gradients and guided-ig, not saliency',
    ],
    [
      '--baseline with blur-ig',
      ['--algorithm', 'blur-ig', '--baseline', sweep('bn_cnn.baseline.npy')],
      'not blur-ig (its path starts at the blurred input, --max-sigma)',
    ],
    [
      '--baselines with guided-ig',
      ['--algorithm', 'guided-ig', '--baseline', 'uniform', '--baselines', '3'],
      'guided-ig follows one path from one baseline; drop --baselines 3',
    ],
    [
      '--method with input-x-gradient',
      ['--algorithm', 'input-x-gradient', '--method', 'riemann-left'],
      '--method is the quadrature rule of --algorithm integrated-gradients',
    ],
    [
      '--samples without --noise',
      ['--algorithm', 'saliency', '--samples', '4'],
      '--samples counts the noisy copies of --noise or the draws of expected-gradients',
    ],
    [
      '--steps with saliency',
      ['--algorithm', 'saliency', '--steps', '20'],
      '--steps is not an option of --algorithm saliency: it takes one gradient per example',
    ],
    [
      '--no-multiply-by-inputs with saliency',
      ['--algorithm', 'saliency', '--no-multiply-by-inputs'],
      '--no-multiply-by-inputs is an option of --algorithm integrated-gradients',
    ],
    [
      '--steps auto with the probability objective',
      ['--steps', 'auto', '--objective', 'probability'],
      "--steps auto refines Integrated Gradients of the target's logit (--objective logit), multiplied by inputs; give --objective probability a number of steps",
    ],
    ['--steps auto without multiply-by-inputs', ['--steps', 'auto', '--no-multiply-by-inputs'], '; give --no-multiply-by-inputs a number of steps'],
    ['--noise with 0 samples', ['--noise', 'smoothgrad', '--samples', '0'], '--samples must be a number ≥ 1'],
    ['a negative --stdev', ['--noise', 'vargrad', '--stdev', '-1'], '--stdev must be a number ≥ 0'],
    ['--max-sigma 0', ['--algorithm', 'blur-ig', '--max-sigma', '0'], '--max-sigma must be a number > 0'],
    ['expected-gradients without a set', ['--algorithm', 'expected-gradients'], 'needs --baseline-set'],
    ['a fractional --seed', ['--algorithm', 'saliency', '--noise', 'smoothgrad', '--seed', '1.5'], "--seed must be an integer, got '1.5'"],
  ];
  it('expected-gradients of a two-input model: one --baseline-set cannot serve both inputs', () => {
    const inputs = ['--input', `image=${sweep('two_input.image.npy')}`, '--input', `vector=${sweep('two_input.vector.npy')}`];
    const set = ['--algorithm', 'expected-gradients', '--baseline-set', sweep('two_input.image.npy')];
    const run = ig(['explain', '--model', sweep('two_input.onnx'), ...inputs, '--target', '2,0', ...set, '--out', join(dir, 'refused.npy')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('expected-gradients of a model with 2 inputs (image, vector) is not supported from the command line');
  });

  it.each(refusals)('%s', (_what, flags, message) => {
    const run = ig(['explain', ...BN, ...flags, '--out', join(dir, 'refused.npy')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});
