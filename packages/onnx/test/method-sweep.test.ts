import { describe, expect, it } from 'vitest';
import { attribute, type AttributeOptions } from '@ig/core';
import { measure, relativeDeviation } from '@ig/browser-harness/measure';
import { replayNoise, sweepBackend, sweepCase, sweepTensor } from './helpers/method-sweep.js';

// Models the Captum fixtures do not cover (scripts/fixtures/make_method_sweep_references.py): a CNN with
// BatchNorm and MaxPool on 3×32×32 and non-square 3×24×40, an image + vector model, a
// segmentation output with one pixel targeted, a model ending in Softmax, a grey classifier.
// Expected values are Captum 0.7.0's float32 output (PAIR saliency's in float64 for Blur IG and
// Guided IG); onnxruntime's float32 gradients differ from torch's by a few 1e-7 of the scale.

async function run(
  id: string,
  options: AttributeOptions,
  scale = 1,
  floor = 0,
): Promise<{ actual: Float32Array[]; expected: Float32Array[]; deviation: number }> {
  const c = sweepCase(id);
  const inputs = c.inputs.map(sweepTensor);
  const result = await attribute(await sweepBackend(c.model), inputs, {
    target: [...c.target],
    ...(c.baselines !== undefined ? { baselines: c.baselines.map(sweepTensor) } : {}),
    ...options,
  });
  const actual = result.attributions.map((a) => a.data.map((v) => v * scale));
  const expected = c.attributions.map((f) => sweepTensor(f).data);
  const deviation = Math.max(...expected.map((e, i) => relativeDeviation(actual[i] as Float32Array, e, floor)));
  measure(id, { deviation });
  return { actual, expected, deviation };
}

function maxAbs(data: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < data.length; i++) m = Math.max(m, Math.abs(data[i] as number));
  return m;
}

// steps: 'auto' stops on the completeness error (1e-5 asked), not on the attributions' own error:
// measured 1.6e-5 of max |attr| from Captum's 128-point Gauss-Legendre.
const TOLERANCE_AUTO = 1e-4;

const gl32: AttributeOptions = { steps: 32, method: 'gauss-legendre' };

// [case, options, tolerance]: tolerances ~4× the deviation measured on onnxruntime-node.
const captumCases: [string, AttributeOptions, number][] = [
  ['bn_cnn/ig_gl32', gl32, 2e-6],
  ['bn_cnn/ig_no_multiply_gl32', { ...gl32, multiplyByInputs: false }, 2e-6],
  ['bn_cnn/ig_riemann_left32', { steps: 32, method: 'riemann-left' }, 2e-6],
  ['bn_cnn/ig_riemann_right32', { steps: 32, method: 'riemann-right' }, 2e-6],
  ['bn_cnn/ig_riemann_middle32', { steps: 32, method: 'riemann-middle' }, 2e-6],
  ['bn_cnn/saliency', { algorithm: 'saliency' }, 2e-6],
  ['bn_cnn/saliency_abs', { algorithm: 'saliency', abs: true }, 2e-6],
  ['bn_cnn/input_x_gradient', { algorithm: 'input-x-gradient' }, 2e-6],
  ['bn_cnn/wide_ig_gl32', gl32, 2e-6],
  ['bn_cnn/wide_saliency', { algorithm: 'saliency' }, 2e-6],
  ['two_input/ig_gl32', gl32, 2e-6],
  ['two_input/saliency', { algorithm: 'saliency' }, 2e-6],
  ['two_input/input_x_gradient', { algorithm: 'input-x-gradient' }, 2e-6],
  ['segment/ig_gl32', gl32, 2e-6],
  ['segment/saliency', { algorithm: 'saliency' }, 2e-6],
  ['segment/input_x_gradient', { algorithm: 'input-x-gradient' }, 2e-6],
  ['softmax_mlp/ig_gl32', gl32, 2e-6],
  ['softmax_mlp/saliency', { algorithm: 'saliency' }, 2e-6],
  ['softmax_mlp/input_x_gradient', { algorithm: 'input-x-gradient' }, 2e-6],
  ['grey_cnn/ig_gl32', gl32, 2e-6],
  ['grey_cnn/saliency', { algorithm: 'saliency' }, 2e-6],
  ['grey_cnn/input_x_gradient', { algorithm: 'input-x-gradient' }, 2e-6],
];

describe('every method on new models matches Captum', () => {
  it.each(captumCases)('%s', async (id, options, tolerance) => {
    const { deviation } = await run(id, options);
    expect(deviation).toBeLessThan(tolerance);
  });

  it("two_input/ig_gl128: steps 'auto' reaches Captum's converged integral of a smooth two-input model", async () => {
    const { deviation } = await run('two_input/ig_gl128', { steps: 'auto', tolerance: 1e-5 });
    expect(deviation).toBeLessThan(TOLERANCE_AUTO);
  });

  it('bn_cnn/ig_trapezoid32_baseline: a per-example baseline .npy, Captum trapezoid weights 1/n', async () => {
    // Captum's riemann_trapezoid weighs n points by 1/n, summing to (n − 1)/n; ours by 1/(n − 1).
    const { deviation } = await run('bn_cnn/ig_trapezoid32_baseline', { steps: 32, method: 'riemann-trapezoid' }, 31 / 32);
    expect(deviation).toBeLessThan(2e-6);
  });
});

const noiseKinds = [
  ['smoothgrad', 'smoothgrad'],
  ['smoothgrad_sq', 'smoothgrad-sq'],
  ['vargrad', 'vargrad'],
] as const;
const noiseCases = ['bn_cnn', 'two_input', 'grey_cnn'].flatMap((model) =>
  (
    [
      ['ig_gl16', { steps: 16, method: 'gauss-legendre' }],
      ['saliency', { algorithm: 'saliency' }],
    ] as const
  ).flatMap(([method, options]) => noiseKinds.map(([captum, kind]) => [`${model}/${method}_${captum}`, options, kind] as const)),
);

describe("noise over IG and saliency matches Captum's NoiseTunnel with its own noise replayed", () => {
  it.each(noiseCases)('%s', async (id, options, kind) => {
    // VarGrad is E[a²] − E[a]², which Captum forms in float32: its error is a few ulps of E[a²],
    // so the deviation is taken relative to the smoothgrad-sq reference's largest value.
    const floor = kind === 'vargrad' ? Math.max(...sweepCase(id.replace('vargrad', 'smoothgrad_sq')).attributions.map((f) => maxAbs(sweepTensor(f).data))) : 0;
    const { deviation } = await run(id, { ...options, noise: { kind, samples: 4, replay: replayNoise(sweepCase(id)) } }, 1, floor);
    expect(deviation).toBeLessThan(1e-6);
  });
});

describe('noise over a batch with a target per example', () => {
  it('bn_cnn/batch_saliency_smoothgrad: 3 examples, targets 0, 3, 1, Captum noise replayed', async () => {
    const id = 'bn_cnn/batch_saliency_smoothgrad';
    const { deviation } = await run(id, { algorithm: 'saliency', noise: { samples: 3, replay: replayNoise(sweepCase(id), 3) } });
    expect(deviation).toBeLessThan(1e-6);
  });
});

describe("Blur IG and Guided IG on a grey non-square image match PAIR saliency's GetMask", () => {
  it.each(['grey_cnn/blur_ig', 'grey_cnn/blur_ig_sqrt', 'grey_cnn/guided_ig'])('%s', async (id) => {
    const c = sweepCase(id);
    const algorithm = id.includes('blur') ? 'blur-ig' : 'guided-ig';
    const { deviation } = await run(id, { algorithm, ...c.options });
    expect(deviation).toBeLessThan(1e-6);
  });
});
