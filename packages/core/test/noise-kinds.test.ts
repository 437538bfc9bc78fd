import { describe, expect, it } from 'vitest';
import {
  attribute,
  functionBackend,
  InvalidOptionError,
  noiseTunnel,
  NonFiniteError,
  saliency,
  smoothIntegratedGradients,
  tensor,
  type AttributeOptions,
  type NoiseKind,
  type NoiseKindAlias,
} from '../src/index.js';
import { weightedSquares } from './helpers/closed-forms.js';
import { expectRefusal } from './helpers/refusal.js';

const w = [0.5, -1.5, 2];
const form = weightedSquares(w);
const x = tensor([1, 2, -0.5], [1, 3]);
const noise = [
  [0.1, -0.2, 0.05],
  [-0.3, 0.15, 0.2],
];
const replayed = (s: number): Float32Array => Float32Array.from(noise[s] as number[]);
const meanSquare = (f: (eps: number, i: number) => number): number[] =>
  w.map((_, i) => noise.reduce((s, eps) => s + f(eps[i] as number, i) ** 2, 0) / noise.length);

describe('noise kinds: one canonical name, its aliases accepted by both noiseTunnel and smoothIntegratedGradients', () => {
  const names: (NoiseKind | NoiseKindAlias)[] = ['smoothgrad-sq', 'smoothgrad-squared', 'smoothgrad_sq'];

  it('noiseTunnel: every spelling is the mean of squares of saliency 2wᵢ(xᵢ + εᵢ), reported as smoothgrad-sq', async () => {
    const expected = meanSquare((eps, i) => 2 * (w[i] as number) * ((x.data[i] as number) + eps));
    for (const kind of names) {
      const result = await noiseTunnel(saliency, form.backend, x, {}, { samples: 2, replay: replayed, kind });
      expect(result.kind).toBe('smoothgrad-sq');
      expect(result.method).toBe('smoothgrad-sq(saliency)');
      Array.from(result.attributions[0]?.data ?? []).forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 4));
    }
  });

  it('smoothIntegratedGradients: every spelling is the mean of squares of IG wᵢ(xᵢ + εᵢ)², reported under its own name smoothgrad-squared', async () => {
    const expected = meanSquare((eps, i) => (w[i] as number) * ((x.data[i] as number) + eps) ** 2);
    for (const kind of names) {
      const result = await smoothIntegratedGradients(form.backend, x, { samples: 2, noise: replayed, kind });
      expect(result.kind).toBe('smoothgrad-squared');
      Array.from(result.attributions[0]?.data ?? []).forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 4));
    }
  });

  it('an unknown kind names the kinds and aliases accepted', async () => {
    const message = 'must be one of smoothgrad, smoothgrad-sq, vargrad (or smoothgrad-squared, smoothgrad_sq for smoothgrad-sq), got the string "smoothgrad2"';
    await expectRefusal(() => noiseTunnel(saliency, form.backend, x, {}, { kind: 'smoothgrad2' as NoiseKind }), InvalidOptionError, `noise.kind ${message}`);
    await expectRefusal(() => smoothIntegratedGradients(form.backend, x, { kind: 'smoothgrad2' as NoiseKind }), InvalidOptionError, `kind ${message}`);
  });

  it('attribute with noise: null is refused before the model runs', async () => {
    let calls = 0;
    const counted = functionBackend({
      forward: ([p]) => {
        calls++;
        return [(p as Float32Array)[0] as number];
      },
      gradient: ([p]) => [new Float32Array((p as Float32Array).length)],
    });
    await expectRefusal(
      () => attribute(counted, x, { noise: null } as unknown as AttributeOptions),
      InvalidOptionError,
      'noise must be an object { kind, samples, stdev, seed, replay } or left out, got null',
    );
    expect(calls).toBe(0);
  });

  it('smoothIntegratedGradients says which noisy sample met a NaN, as noiseTunnel does', async () => {
    // NaN where the first feature is negative: x₀ = 1 is fine, x₀ + ε with ε = −2 (sample 2) is not.
    const sqrt = functionBackend({
      forward: ([p]) => [Math.sqrt((p as Float32Array)[0] as number)],
      gradient: ([p]) => [new Float32Array((p as Float32Array).length)],
    });
    const replay = (s: number): Float32Array => Float32Array.of(s === 1 ? -2 : 0, 0, 0);
    const suffix = 'in noisy sample 2 of 3: the method ran at the input plus noise, not at the input itself';
    const message = `model output at the input has NaN at flat index 0 (example 0), ${suffix}`;
    await expectRefusal(() => smoothIntegratedGradients(sqrt, x, { samples: 3, noise: replay }), NonFiniteError, message);
    await expectRefusal(() => noiseTunnel(saliency, sqrt, x, {}, { samples: 3, replay }), NonFiniteError, message);
  });
});
