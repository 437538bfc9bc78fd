import { describe, expect, it } from 'vitest';
import { functionBackend, integratedGradients, tensor, type GradientBackend } from '../src/index.js';
import { weightedSquares } from './helpers/closed-forms.js';
import { measure, relativeDeviation } from '@ig/browser-harness/measure';

/** Two outputs, two inputs: y0 = Σ a², y1 = Σ 2b² + Σ a. Closed-form IG for every target form. */
const twoInputs: GradientBackend = functionBackend({
  forward: ([a, b]) => {
    const sa = Array.from(a as Float32Array);
    const sb = Array.from(b as Float32Array);
    return [sa.reduce((s, v) => s + v * v, 0), sb.reduce((s, v) => s + 2 * v * v, 0) + sa.reduce((s, v) => s + v, 0)];
  },
  gradient: ([a, b], [w0, w1]) => [
    Float32Array.from(a as Float32Array, (v) => (w0 as number) * 2 * v + (w1 as number)),
    Float32Array.from(b as Float32Array, (v) => (w1 as number) * 4 * v),
  ],
});
// IG of y0 wrt a: a² − a'²; of y1 wrt a: a − a'; of y1 wrt b: 2(b² − b'²).
const close = (actual: ArrayLike<number>, expected: readonly number[]): void => {
  expect(actual.length).toBe(expected.length);
  const deviation = relativeDeviation(actual, expected, 1);
  measure('options', { deviation });
  // float32 results of Gauss–Legendre 50, exact for these polynomials: measured ≤ 2.4e-7 of max(1, max |e|).
  expect(deviation).toBeLessThan(1e-6);
};

describe('baselines', () => {
  const square = weightedSquares([1, 1, 1, 1]);
  const x = tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 4]);
  const expectSquares = (attr: ArrayLike<number>, b: readonly number[]) =>
    close(
      attr,
      Array.from(x.data, (v, i) => v * v - (b[i] as number) ** 2),
    );

  it('zero by default, a scalar, a full tensor, a per-example tensor and a broadcast row', async () => {
    expectSquares((await integratedGradients(square.backend, x)).attributions[0]?.data as Float32Array, new Array(8).fill(0));
    expectSquares((await integratedGradients(square.backend, x, { baselines: 0.5 })).attributions[0]?.data as Float32Array, new Array(8).fill(0.5));
    const full = [0, 1, 0, 1, 2, 2, 2, 2];
    expectSquares((await integratedGradients(square.backend, x, { baselines: tensor(full, [2, 4]) })).attributions[0]?.data as Float32Array, full);
    const row = [0.1, 0.2, 0.3, 0.4];
    expectSquares((await integratedGradients(square.backend, x, { baselines: tensor(row, [4]) })).attributions[0]?.data as Float32Array, [...row, ...row]);
    const column = [1, 3];
    expectSquares(
      (await integratedGradients(square.backend, x, { baselines: tensor(column, [2, 1]) })).attributions[0]?.data as Float32Array,
      [1, 1, 1, 1, 3, 3, 3, 3],
    );
  });

  it('a function of the input, and an average over several baselines', async () => {
    const half = await integratedGradients(square.backend, x, {
      baselines: (input) =>
        tensor(
          input.data.map((v) => v / 2),
          input.shape,
        ),
    });
    expectSquares(
      half.attributions[0]?.data as Float32Array,
      Array.from(x.data, (v) => v / 2),
    );
    const averaged = await integratedGradients(square.backend, x, { baselines: { average: [0, 1, tensor([2, 2, 2, 2], [4])] } });
    close(
      averaged.attributions[0]?.data as Float32Array,
      Array.from(x.data, (v) => v * v - (0 + 1 + 4) / 3),
    );
    measure('options average', {
      fBaseline: Math.abs((averaged.reports[0]?.fBaseline as number) - 20 / 3),
      delta: Math.abs(averaged.reports[0]?.delta as number),
    });
    // F(x′) = 0, 4, 16 are exact, their mean is float64 (measured 8.9e-16); delta carries the
    // float32 attributions of F(x) = 30 (measured 2.4e-7)
    expect(Math.abs((averaged.reports[0]?.fBaseline as number) - 20 / 3)).toBeLessThan(1e-12);
    expect(Math.abs(averaged.reports[0]?.delta as number)).toBeLessThan(1e-6);
  });

  it('one baseline per model input', async () => {
    const a = tensor([1, 2], [1, 2]);
    const b = tensor([3, 4, 5], [1, 3]);
    const result = await integratedGradients(twoInputs, [a, b], { target: 1, baselines: [0.5, tensor([1, 1, 1], [1, 3])] });
    close(result.attributions[0]?.data as Float32Array, [0.5, 1.5]);
    close(result.attributions[1]?.data as Float32Array, [2 * (9 - 1), 2 * (16 - 1), 2 * (25 - 1)]);
    expect(result.attributions[1]?.shape).toEqual([1, 3]);
  });

  it('names the input and shapes when a baseline does not fit', async () => {
    await expect(integratedGradients(square.backend, x, { baselines: tensor([1, 2, 3], [3]) })).rejects.toThrow(
      /baseline for input 0 has shape \[3\], which does not broadcast to the input's shape \[2, 4\]/,
    );
    await expect(integratedGradients(twoInputs, [tensor([1, 2], [1, 2]), tensor([1, 2, 3], [1, 3])], { target: 0, baselines: [0] })).rejects.toThrow(
      /got 1 baselines for a model with 2 input\(s\)/,
    );
    await expect(integratedGradients(square.backend, x, { baselines: Number.NaN })).rejects.toMatchObject({ code: 'BAD_BASELINE' });
    await expect(integratedGradients(square.backend, x, { baselines: { average: [] } })).rejects.toThrow(/non-empty/);
  });
});

describe('targets', () => {
  const a = tensor([1, 2, -1, 3], [2, 2]);
  const b = tensor([1, 0, 2, 1, 1, 1], [2, 3]);
  const y0a = [1, 4, 1, 9];
  const y1a = [1, 2, -1, 3];
  const y1b = [2, 0, 8, 2, 2, 2];

  it('one class for all, one per example, several per example in one pass, and a weight vector', async () => {
    const all = await integratedGradients(twoInputs, [a, b], { target: 1 });
    close(all.attributions[0]?.data as Float32Array, y1a);
    const each = await integratedGradients(twoInputs, [a, b], { target: [0, 1] });
    close(each.attributions[0]?.data as Float32Array, [...y0a.slice(0, 2), ...y1a.slice(2)]);
    close(each.attributions[1]?.data as Float32Array, [0, 0, 0, ...y1b.slice(3)]);
    expect(each.reports.map((r) => r.target)).toEqual([0, 1]);

    const several = await integratedGradients(twoInputs, [a, b], {
      target: [
        [0, 1],
        [1, 0],
      ],
    });
    expect(several.attributions[0]?.shape).toEqual([2, 2, 2]);
    close(several.attributions[0]?.data as Float32Array, [...y0a.slice(0, 2), ...y1a.slice(0, 2), ...y1a.slice(2), ...y0a.slice(2)]);
    expect(several.reports.map((r) => [r.example, r.targetSlot, r.target])).toEqual([
      [0, 0, 0],
      [0, 1, 1],
      [1, 0, 1],
      [1, 1, 0],
    ]);
    const classes = await integratedGradients(twoInputs, [a, b], { target: { classes: [1, 0] } });
    expect(classes.attributions[1]?.shape).toEqual([2, 2, 3]);

    const weighted = await integratedGradients(twoInputs, [a, b], { target: { weights: [2, -1] } });
    close(
      weighted.attributions[0]?.data as Float32Array,
      y0a.map((v, i) => 2 * v - (y1a[i] as number)),
    );
    close(
      weighted.attributions[1]?.data as Float32Array,
      y1b.map((v) => -v),
    );
    expect(weighted.reports[0]?.target).toBeNull();
  });

  it('rejects out-of-range, ragged and missing targets with the index and the range', async () => {
    await expect(integratedGradients(twoInputs, [a, b], { target: 2 })).rejects.toThrow(
      'target = 2 is out of range: the model has 2 output(s), valid indices are 0..1',
    );
    await expect(integratedGradients(twoInputs, [a, b], { target: [0, -1] })).rejects.toThrow('target[1] = -1 is out of range');
    await expect(integratedGradients(twoInputs, [a, b], { target: [0] })).rejects.toThrow(/target has 1 entries but the input has 2 example/);
    await expect(integratedGradients(twoInputs, [a, b], { target: [[0, 1], [1]] })).rejects.toThrow(/example 1 has 1 targets but example 0 has 2/);
    await expect(integratedGradients(twoInputs, [a, b])).rejects.toThrow(/target is required: the model has 2 outputs/);
    await expect(integratedGradients(twoInputs, [a, b], { target: 0.5 })).rejects.toMatchObject({ code: 'BAD_TARGET' });
    await expect(integratedGradients(twoInputs, [a, b], { target: { weights: [1, 2, 3] } })).rejects.toThrow(/expected 2 \(one per output\) or 4/);
  });
});
