import { describe, it } from 'vitest';
import { BackendContractError, integratedGradients, occlusionScorer, saliency, tensor, type GradientBackend } from '../src/index.js';
import { expectRefusal } from './helpers/refusal.js';

const x = tensor([1, 2], [1, 2]);
/** A backend as JavaScript callers may write it, past the types. */
const loose = (backend: Record<string, unknown>): GradientBackend => ({ name: 'raw', dispose: () => undefined, ...backend }) as unknown as GradientBackend;
const predict = async ({ count }: { count: number }): Promise<Float32Array> => new Float32Array(count);
const gradients = async ({ count }: { count: number }) => ({ objective: new Float32Array(count), gradients: [new Float32Array(2 * count)] });

describe('a backend that breaks its contract is a BackendContractError naming the method and what it gave', () => {
  it('gradients() resolving undefined, on the straight path and in the path engine', async () => {
    const backend = loose({ predict, gradients: async () => undefined });
    const message = 'raw: gradients() resolved to undefined; it must resolve to { objective, gradients }';
    await expectRefusal(() => integratedGradients(backend, x), BackendContractError, message);
    await expectRefusal(() => saliency(backend, x), BackendContractError, message);
  });

  it('a fused integrate() resolving undefined, or with a sum missing', async () => {
    const backend = loose({ predict, gradients, integrate: async () => undefined });
    await expectRefusal(
      () => integratedGradients(backend, x),
      BackendContractError,
      'raw: integrate() resolved to undefined; it must resolve to { gradientSums }',
    );
    const holey = loose({ predict, gradients, integrate: async () => ({ gradientSums: [undefined] }) });
    await expectRefusal(() => integratedGradients(holey, x), BackendContractError, 'raw: integrate returned undefined for input 0, expected 2 values');
  });

  it('a backend without predict, or with integrate that is not a method, before any call', async () => {
    const message = 'raw: the backend has no predict() method (got undefined); a GradientBackend implements predict, gradients and dispose';
    await expectRefusal(() => integratedGradients(loose({ gradients }), x), BackendContractError, message);
    await expectRefusal(() => occlusionScorer({ backend: loose({ gradients }), input: x, target: 0 }), BackendContractError, message);
    await expectRefusal(
      () => integratedGradients(loose({ predict, gradients, integrate: true }), x),
      BackendContractError,
      'raw: integrate must be a method or left out, got the boolean true',
    );
  });

  it('predict returning number[] says it must return a Float32Array', async () => {
    const backend = loose({ predict: async ({ count }: { count: number }) => new Array<number>(count).fill(1), gradients });
    await expectRefusal(
      () => integratedGradients(backend, x),
      BackendContractError,
      'raw: predict returned an array of 1 values for 1 point(s); it must return a Float32Array',
    );
  });

  it('gradients as a Float64Array of the right length name the type, not the length', async () => {
    const backend = loose({
      predict,
      gradients: async ({ count }: { count: number }) => ({ objective: new Float32Array(count), gradients: [new Float64Array(2 * count)] }),
    });
    await expectRefusal(
      () => integratedGradients(backend, x, { steps: 4 }),
      BackendContractError,
      'raw: gradient of input 0 is a Float64Array of 8 values; it must be a Float32Array of 8 values (4 points)',
    );
    await expectRefusal(
      () => saliency(backend, x),
      BackendContractError,
      'raw: gradient of input 0 is a Float64Array of 2 values; it must be a Float32Array of 2 values (1 points)',
    );
  });
});
