import { describe, expect, it } from 'vitest';
import { attribute, functionBackend, integratedGradients, ShapeMismatchError, smoothIntegratedGradients, TargetError, tensor } from '../../src/index.js';

// A linear model with three outputs, outⱼ = Σᵢ W[j][i]·xᵢ: against a zero baseline, IG of output j
// is exactly W[j][i]·xᵢ (the integrand is constant along the path).
const W = [
  [0.5, -1, 2],
  [1.5, 0.25, -0.5],
  [-2, 1, 1],
];
const linear = functionBackend({
  forward: ([x]) => W.map((row) => row.reduce((s, w, i) => s + w * (x as Float32Array)[i]!, 0)),
  gradient: (_, seed) => [Float32Array.from({ length: 3 }, (_, i) => W.reduce((s, row, j) => s + seed[j]! * row[i]!, 0))],
});
const outputs = (x: readonly number[]): number[] => W.map((row) => row.reduce((s, w, i) => s + w * x[i]!, 0));
const argsort = (values: readonly number[]): number[] => values.map((_, j) => j).sort((a, b) => values[b]! - values[a]!);
const exactIG = (x: readonly number[], j: number): number[] => x.map((v, i) => W[j]![i]! * v);

// IG by 50-point Gauss–Legendre in float32: the weights sum to 1 within rounding, so each
// attribution is exact to a few float32 ulps (measured ≤ 1.6e-7 relative).
function expectClose(actual: Float32Array, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(...expected.map(Math.abs));
  actual.forEach((v, k) => expect(Math.abs(v - expected[k]!)).toBeLessThan(1e-6 * scale));
}

const xs = [
  [1, 2, 3],
  [3, -1, 0.5],
];

describe('inputs in the forms JS users hold', () => {
  it('a Float32Array, a number[], nested arrays, a { data: number[] } tensor, a tf-like and an ort-like tensor all give the attributions of the Float32Array tensor', async () => {
    const reference = await integratedGradients(linear, tensor(xs[0]!, [1, 3]), { target: 1 });
    expectClose(reference.attributions[0]!.data, exactIG(xs[0]!, 1));
    const forms = [
      Float32Array.from(xs[0]!),
      xs[0]!,
      [xs[0]!],
      { data: xs[0]!, shape: [1, 3] },
      { shape: [1, 3], dataSync: () => Float32Array.from(xs[0]!) },
      { dims: [1, 3], data: Float64Array.from(xs[0]!), type: 'float64' },
      { dims: [1, 3], data: BigInt64Array.from(xs[0]!.map(BigInt)), type: 'int64' },
    ];
    for (const form of forms) {
      const result = await integratedGradients(linear, form, { target: 1 });
      expect(result.attributions[0]!.shape).toEqual([1, 3]);
      expect(result.attributions[0]!.data).toEqual(reference.attributions[0]!.data);
    }
  });

  it('nested arrays give their shape, the outer axis the batch', async () => {
    const result = await integratedGradients(linear, xs, { target: [0, 2] });
    expect(result.attributions[0]!.shape).toEqual([2, 3]);
    expectClose(result.attributions[0]!.data, [...exactIG(xs[0]!, 0), ...exactIG(xs[1]!, 2)]);
  });

  it('ragged nested arrays are a ShapeMismatchError naming the index', async () => {
    const ragged = [
      [1, 2, 3],
      [4, 5],
    ];
    const error = await integratedGradients(linear, ragged, { target: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShapeMismatchError);
    expect((error as Error).message).toContain('input 0[1] has 2 entries but input 0[0] has 3');
    const deep = [
      [[1], [2]],
      [[3], 4],
    ] as unknown as number[][][];
    await expect(integratedGradients(linear, deep, { target: 0 })).rejects.toThrow('input 0[1][1] is 4; expected an array of 1');
    await expect(integratedGradients(linear, [[1, 'a', 3]] as unknown as number[][], { target: 0 })).rejects.toThrow('input 0[0][1] is "a"; expected a number');
    await expect(integratedGradients(linear, { dims: [1, 1], data: ['a'], type: 'string' }, { target: 0 })).rejects.toThrow(ShapeMismatchError);
  });
});

describe("target: 'predicted' and { top: k }", () => {
  it("'predicted' explains each example's argmax, as target = argmax would", async () => {
    const predicted = xs.map((x) => argsort(outputs(x))[0]!);
    expect(predicted).toEqual([0, 1]); // outputs [4.5, 0.5, 3] and [3.5, 4, −6.5]: two different classes
    const result = await integratedGradients(linear, xs, { target: 'predicted' });
    expect(result.reports.map((r) => r.target)).toEqual(predicted);
    expect(result.attributions[0]!.shape).toEqual([2, 3]);
    expectClose(result.attributions[0]!.data, [...exactIG(xs[0]!, 0), ...exactIG(xs[1]!, 1)]);
  });

  it('{ top: 2 } gives a target axis of 2, the highest output first', async () => {
    const result = await integratedGradients(linear, xs, { target: { top: 2 } });
    expect(result.targetsPerExample).toBe(2);
    expect(result.attributions[0]!.shape).toEqual([2, 2, 3]);
    const ranked = xs.map((x) => argsort(outputs(x)).slice(0, 2));
    expect(result.reports.map((r) => r.target)).toEqual(ranked.flat());
    const expected = xs.flatMap((x, e) => ranked[e]!.flatMap((j) => exactIG(x, j)));
    expectClose(result.attributions[0]!.data, expected);
    await expect(integratedGradients(linear, xs, { target: { top: 4 } })).rejects.toThrow(TargetError);
    await expect(integratedGradients(linear, xs, { target: { top: 0 } })).rejects.toThrow('target.top must be an integer from 1 to 3');
  });

  it("works through attribute() and keeps the clean input's classes under noise", async () => {
    const saliency = await attribute(linear, xs, { algorithm: 'saliency', target: 'predicted' });
    // Saliency of a linear model is the weight row of the predicted class.
    expect(Array.from(saliency.attributions[0]!.data)).toEqual([...W[0]!, ...W[1]!]);
    const smooth = await smoothIntegratedGradients(linear, xs, { target: 'predicted', samples: 3, stdev: 5 });
    for (const reports of smooth.sampleReports) expect(reports.map((r) => r.target)).toEqual([0, 1]);
    const noisy = await attribute(linear, xs, { target: { top: 2 }, noise: { samples: 3, stdev: 5 } });
    expect(noisy.attributions[0]!.shape).toEqual([2, 2, 3]);
  });
});
