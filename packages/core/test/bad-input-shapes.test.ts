import { describe, expect, it } from 'vitest';
import { functionBackend, integratedGradients, saliency, ShapeMismatchError, tensor } from '../src/index.js';
import { expectRefusal } from './helpers/refusal.js';

describe('inputs whose examples have no features are refused before the model runs', () => {
  it('shapes [1, 0] and [1, 3, 0], alone or as a second input, name the input and its shape', async () => {
    let calls = 0;
    const counted = functionBackend({
      forward: () => {
        calls++;
        return [1];
      },
      gradient: (point) => {
        calls++;
        return point.map((p) => new Float32Array(p.length));
      },
    });
    const message = (input: number, shape: string): string =>
      `input ${input} has shape ${shape}: its examples have no features, so there is nothing to attribute`;
    await expectRefusal(() => integratedGradients(counted, tensor([], [1, 0])), ShapeMismatchError, message(0, '[1, 0]'));
    await expectRefusal(() => integratedGradients(counted, tensor([], [1, 3, 0])), ShapeMismatchError, message(0, '[1, 3, 0]'));
    await expectRefusal(() => saliency(counted, [tensor([1, 2], [1, 2]), tensor([], [1, 0])]), ShapeMismatchError, message(1, '[1, 0]'));
    expect(calls).toBe(0);
  });
});
