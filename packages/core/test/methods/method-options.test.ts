import { describe, expect, it } from 'vitest';
import { attribute, functionBackend, InvalidOptionError, tensor, type AttributeOptions } from '../../src/index.js';
import { weightedSquares } from '../helpers/closed-forms.js';
import { relativeDeviation } from '@ig/browser-harness/measure';

const w = [0.5, -1.5, 2];
const form = weightedSquares(w);
const x = tensor([1, 2, -0.5], [1, 3]);

describe('attribute refuses the options of another method instead of ignoring them', () => {
  const cases: [string, AttributeOptions, string][] = [
    ['baselines to saliency', { algorithm: 'saliency', baselines: 0.5 }, 'baselines is an option of integrated-gradients, guided-ig, not saliency'],
    [
      'multiplyByInputs to input-x-gradient',
      { algorithm: 'input-x-gradient', multiplyByInputs: false },
      'multiplyByInputs is an option of integrated-gradients, not input-x-gradient',
    ],
    ['multiplyByInputs to blur-ig', { algorithm: 'blur-ig', multiplyByInputs: false }, 'multiplyByInputs is an option of integrated-gradients, not blur-ig'],
    ['abs to integrated-gradients', { abs: true }, 'abs is an option of saliency, not integrated-gradients'],
    [
      'steps to saliency',
      { algorithm: 'saliency', steps: 20 },
      'steps is an option of integrated-gradients, blur-ig, guided-ig, not saliency; saliency takes one gradient per example',
    ],
    ['steps to expected-gradients', { algorithm: 'expected-gradients', references: x, steps: 20 }, '; expected-gradients draws samples'],
    ['a quadrature rule to guided-ig', { algorithm: 'guided-ig', method: 'riemann-left' }, 'method is an option of integrated-gradients, not guided-ig'],
    ['maxSigma to guided-ig', { algorithm: 'guided-ig', maxSigma: 3 }, 'maxSigma is an option of blur-ig, not guided-ig'],
    ['fraction to blur-ig', { algorithm: 'blur-ig', fraction: 0.5 }, 'fraction is an option of guided-ig, not blur-ig'],
    ['references to integrated-gradients', { references: x }, 'references is an option of expected-gradients, not integrated-gradients'],
    [
      'samples to saliency under noise',
      { algorithm: 'saliency', samples: 4, noise: {} },
      'samples is an option of expected-gradients, not saliency; noise over saliency takes noise.samples',
    ],
  ];
  it.each(cases)('%s', async (_, options, message) => {
    const error = await attribute(form.backend, x, { target: 0, ...options }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as Error).message).toContain(message);
  });

  it('names noise.samples and noise.stdev, and an empty reference set', async () => {
    await expect(attribute(form.backend, x, { algorithm: 'saliency', noise: { samples: 0 } })).rejects.toThrow('noise.samples must be an integer ≥ 1, got 0');
    await expect(attribute(form.backend, x, { algorithm: 'saliency', noise: { stdev: -0.1 } })).rejects.toThrow(
      'noise.stdev for input 0 must be a finite number ≥ 0, got -0.1',
    );
    await expect(attribute(form.backend, x, { algorithm: 'blur-ig', maxSigma: 0 })).rejects.toThrow(InvalidOptionError);
    await expect(attribute(form.backend, x, { algorithm: 'saliency', noise: { seed: Number.NaN } })).rejects.toThrow('noise.seed must be an integer, got NaN');
    await expect(attribute(form.backend, x, { algorithm: 'expected-gradients', references: x, seed: 1.5 })).rejects.toThrow('seed must be an integer, got 1.5');
    await expect(attribute(form.backend, x, { algorithm: 'expected-gradients' })).rejects.toThrow('expected-gradients needs references');
    await expect(attribute(form.backend, x, { algorithm: 'expected-gradients', references: tensor([], [0, 3]) })).rejects.toThrow(
      'references for input 0 have shape [0, 3]: the reference set is empty',
    );
  });
});

describe('noise identities', () => {
  it('smoothgrad with stdev 0 is the method itself; vargrad with stdev 0 is 0', async () => {
    for (const algorithm of ['saliency', 'input-x-gradient', 'integrated-gradients'] as const) {
      const plain = await attribute(form.backend, x, { algorithm, target: 0 });
      const smooth = await attribute(form.backend, x, { algorithm, target: 0, noise: { stdev: 0, samples: 3 } });
      // Three equal float32 values averaged in float64: exact.
      expect(relativeDeviation(smooth.attributions[0]?.data as Float32Array, plain.attributions[0]?.data as Float32Array)).toBe(0);
      const vargrad = await attribute(form.backend, x, { algorithm, target: 0, noise: { kind: 'vargrad', stdev: 0, samples: 3 } });
      expect(Array.from(vargrad.attributions[0]?.data as Float32Array)).toEqual([0, 0, 0]);
    }
  });
});

describe('a softmax objective of outputs that already are probabilities', () => {
  // z = (x₀, 2x₁, −x₂); one model returns z, the other softmax(z), as a model ending in Softmax.
  const scale = [1, 2, -1];
  const logits = (x: Float32Array): number[] => scale.map((c, j) => c * (x[j] as number));
  const softmax = (z: number[]): number[] => {
    const e = z.map((v) => Math.exp(v - Math.max(...z)));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / sum);
  };
  const logitModel = functionBackend({
    forward: ([x]) => logits(x as Float32Array),
    gradient: (_, seed) => [Float32Array.from(scale, (c, j) => c * (seed[j] as number))],
  });
  const softmaxModel = functionBackend({
    forward: ([x]) => softmax(logits(x as Float32Array)),
    gradient: ([x], seed) => {
      const p = softmax(logits(x as Float32Array));
      const mean = p.reduce((s, pj, j) => s + pj * (seed[j] as number), 0);
      return [Float32Array.from(scale, (c, k) => c * (p[k] as number) * ((seed[k] as number) - mean))];
    },
  });

  it('warns that softmax is applied twice, and not for the logit objective or for a model of logits', async () => {
    const twice = await attribute(softmaxModel, x, { algorithm: 'saliency', objective: 'probability', target: 0 });
    expect(twice.warnings.join('\n')).toContain("objective 'probability' takes a softmax of the model's outputs, but they already sum to 1");
    const noisy = await attribute(softmaxModel, x, { algorithm: 'saliency', objective: 'log-probability', target: 0, noise: { samples: 3, stdev: 0.1 } });
    expect(noisy.warnings.filter((w) => w.includes('softmax'))).toHaveLength(1);
    expect((await attribute(softmaxModel, x, { algorithm: 'saliency', target: 0 })).warnings).toEqual([]);
    expect((await attribute(logitModel, x, { algorithm: 'saliency', objective: 'probability', target: 0 })).warnings).toEqual([]);
  });
});
