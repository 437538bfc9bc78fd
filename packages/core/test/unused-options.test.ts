import { describe, expect, it } from 'vitest';
import { attribute, guidedIG, integratedGradients, InvalidOptionError, tensor } from '../src/index.js';
import { weightedSquares } from './helpers/closed-forms.js';

const square = weightedSquares([1, -2, 3]);
const x = tensor([1, 1, 1], [1, 3]);

describe('options that would be accepted and not used are refused', () => {
  it('names Captum spellings with the option to give instead', async () => {
    await expect(integratedGradients(square.backend, x, { internalBatchSize: 8 } as object)).rejects.toThrow(
      /internalBatchSize is Captum's name; give batchSize/,
    );
    await expect(integratedGradients(square.backend, x, { n_steps: 8 } as object)).rejects.toThrow(/n_steps is Captum's name; give steps/);
    await expect(attribute(square.backend, x, { internal_batch_size: 8 } as object)).rejects.toThrow(InvalidOptionError);
  });

  it('refuses steps that differ from a custom rule’s point count, and takes the same count', async () => {
    const midpoint = { alphas: [0.5], weights: [1] };
    await expect(integratedGradients(square.backend, x, { method: midpoint, steps: 10 })).rejects.toThrow(
      /steps \(10\) differs from the 1 points of the custom method/,
    );
    // The midpoint rule is exact on Σ wᵢxᵢ² (linear gradient): attrᵢ = wᵢ(xᵢ² − 0).
    const result = await integratedGradients(square.backend, x, { method: midpoint, steps: 1 });
    expect(Array.from(result.attributions[0]?.data ?? [])).toEqual([1, -2, 3]);
  });

  it("refuses maxSteps and autoRule beside a number of steps (they apply to steps: 'auto')", async () => {
    await expect(integratedGradients(square.backend, x, { steps: 8, maxSteps: 3 })).rejects.toThrow(/maxSteps applies to steps: 'auto' only, and steps is 8/);
    await expect(integratedGradients(square.backend, x, { autoRule: 'nested' })).rejects.toThrow(/autoRule applies to steps: 'auto' only, and steps is 50/);
    await expect(integratedGradients(square.backend, x, { steps: 8, checkMidpoint: true })).rejects.toThrow(
      /checkMidpoint applies to steps: 'auto' only, and steps is 8/,
    );
    await expect(integratedGradients(square.backend, x, { steps: 'auto', autoRule: 'nested', checkMidpoint: true })).rejects.toThrow(
      /checkMidpoint applies to autoRule 'adaptive' only/,
    );
    await expect(integratedGradients(square.backend, x, { steps: 'auto', checkMidpoint: 'yes' as unknown as boolean })).rejects.toThrow(
      /checkMidpoint must be true or false, got/,
    );
    // false is the default: beside a number of steps it changes nothing and is let through.
    await expect(integratedGradients(square.backend, x, { steps: 8, checkMidpoint: false })).resolves.toBeDefined();
  });

  it("refuses the options of steps: 'auto' in attribute() where no auto run reads them", async () => {
    await expect(attribute(square.backend, x, { algorithm: 'saliency', checkMidpoint: true })).rejects.toThrow(
      /checkMidpoint is an option of integrated-gradients, not saliency/,
    );
    await expect(attribute(square.backend, x, { algorithm: 'input-x-gradient', maxSteps: 9 })).rejects.toThrow(
      /maxSteps is an option of integrated-gradients, not input-x-gradient/,
    );
    // The path engine's integrated-gradients (a nonlinear objective, or no (x − x') factor) takes a number of steps only.
    await expect(attribute(square.backend, x, { objective: 'probability', steps: 8, checkMidpoint: true })).rejects.toThrow(
      /checkMidpoint applies to steps: 'auto' only, and steps is 8/,
    );
    await expect(attribute(square.backend, x, { multiplyByInputs: false, steps: 8, autoRule: 'nested' })).rejects.toThrow(
      /autoRule applies to steps: 'auto' only, and steps is 8/,
    );
  });

  it('refuses a nonlinear objective, which integratedGradients cannot apply, and points to attribute()', async () => {
    await expect(integratedGradients(square.backend, x, { objective: 'probability' } as object)).rejects.toThrow(
      /cannot take objective 'probability': use attribute\(\)/,
    );
  });

  it('refuses several baselines to average for guided IG, called directly as through attribute()', async () => {
    await expect(guidedIG(square.backend, x, { baselines: { average: [0, 1] } } as never)).rejects.toThrow(
      /guided-ig follows one path: give one baseline, not \{ average \}/,
    );
    await expect(attribute(square.backend, x, { algorithm: 'guided-ig', baselines: { average: [0, 1] } })).rejects.toThrow(/guided-ig follows one path/);
  });
});
