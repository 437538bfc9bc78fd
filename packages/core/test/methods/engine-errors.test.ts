import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  BackendContractError,
  blurIG,
  functionBackend,
  guidedIG,
  InvalidOptionError,
  NonFiniteError,
  saliency,
  tensor,
  type GradientBackend,
} from '../../src/index.js';
import { weightedSquares } from '../helpers/closed-forms.js';

const form = weightedSquares([1, 2, 3, 4]);
const x = tensor([0.5, -1, 2, 0.25], [1, 4]);

describe('the path engine refuses bad input and bad backends with typed errors', () => {
  it('a NaN gradient names the input, the feature and the path point', async () => {
    const broken = functionBackend({
      forward: ([p]) => [Array.from(p as Float32Array).reduce((s, v) => s + v, 0)],
      gradient: ([p]) => [Float32Array.from(p as Float32Array, (v, i) => (i === 2 && v > 1 ? Number.NaN : 1))],
    });
    await expect(guidedIG(broken, x, { steps: 10 })).rejects.toThrow(NonFiniteError);
    await expect(guidedIG(broken, x, { steps: 10 })).rejects.toThrow(/^gradient of input 0 has NaN at flat index 2 \(example 0, path point \d+\)$/);
  });

  it('a backend returning the wrong number of gradient values is a BackendContractError', async () => {
    const short: GradientBackend = {
      ...form.backend,
      name: 'short',
      gradients: async (r) => ({ objective: new Float32Array(r.count), gradients: [new Float32Array(3)] }),
    };
    await expect(saliency(short, x)).rejects.toThrow(BackendContractError);
  });

  it('an aborted signal stops the run with AbortedError', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(blurIG(form.backend, tensor(new Float32Array(16), [1, 4, 4]), { signal: controller.signal })).rejects.toThrow(AbortedError);
  });

  it('bad options are InvalidOptionErrors naming the option', async () => {
    await expect(guidedIG(form.backend, x, { fraction: 2 })).rejects.toThrow(/fraction must be a number in \[0, 1\]/);
    await expect(guidedIG(form.backend, x, { steps: 0 })).rejects.toThrow(InvalidOptionError);
    await expect(saliency(form.backend, x, { tolerance: -1 })).rejects.toThrow(/tolerance/);
  });
});
