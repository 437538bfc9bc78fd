import { describe, expect, it } from 'vitest';
import { AbortedError, functionBackend, integratedGradients, tensor, type GradientBackend } from '../../src/index.js';

// F(x) = Σ xᵢ² on 4 features, computed synchronously point by point.
const synchronous = (): { backend: GradientBackend; points: () => number } => {
  let points = 0;
  const backend = functionBackend({
    forward: ([x]) => [Array.from(x!).reduce((s, v) => s + v * v, 0)],
    gradient: ([x], w) => {
      points++;
      return [Array.from(x!, (v) => 2 * v * (w[0] as number))];
    },
  });
  return { backend, points: () => points };
};
const x = tensor([1, -2, 0.5, 3], [1, 4]);

describe('abort', () => {
  it('a timer fires during a run on a synchronous backend: the run rejects with AbortedError long before its end', async () => {
    const { backend, points } = synchronous();
    const steps = 2_000_000;
    const controller = new AbortController();
    // Armed at the first backend call: the timer can only fire if the core lets the event loop turn.
    const armed = functionBackend({
      forwardBatch: (batch) => backend.predict(batch),
      gradientBatch: (request) => {
        if (points() === 0) setTimeout(() => controller.abort(), 20);
        return backend.gradients(request);
      },
    });
    await expect(
      integratedGradients(armed, x, { steps, stepsLimit: steps, method: 'riemann-middle', batchSize: 16, signal: controller.signal }),
    ).rejects.toThrow(AbortedError);
    expect(points()).toBeGreaterThan(0);
    expect(points()).toBeLessThan(steps / 10);
  }, 30_000);

  it('a backend call that never settles: abort settles the run, abandoning the call', async () => {
    const never: GradientBackend = {
      name: 'stuck',
      predict: async ({ count }) => new Float32Array(count),
      gradients: () => new Promise(() => undefined),
      dispose: () => undefined,
    };
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user cancelled')), 50);
    await expect(integratedGradients(never, x, { target: 0, signal: controller.signal })).rejects.toThrow('aborted: user cancelled');
  }, 30_000);

  it('a stuck fused integrate call is abandoned the same way', async () => {
    const never: GradientBackend = {
      name: 'stuck-fused',
      predict: async ({ count }) => new Float32Array(count),
      gradients: () => new Promise(() => undefined),
      integrate: () => new Promise(() => undefined),
      dispose: () => undefined,
    };
    await expect(integratedGradients(never, x, { target: 0, signal: AbortSignal.timeout(50) })).rejects.toThrow(AbortedError);
  }, 30_000);

  it('without an abort the results are unchanged by the yields: IG of Σx² from 0 is x²', async () => {
    const { backend } = synchronous();
    const result = await integratedGradients(backend, x, { steps: 4, signal: new AbortController().signal });
    // Gauss–Legendre with 4 points is exact for the linear gradient; float32 rounding only.
    result.attributions[0]!.data.forEach((v, i) => expect(v).toBeCloseTo((x.data[i] as number) ** 2, 5));
  });
});
