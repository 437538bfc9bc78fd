/** The page's rules that need no browser: what a run teaches the model list, a one-output model's summary, URL values. */
import { describe, expect, test } from 'vitest';
import { outputSummary } from '../src/worker/probabilities.js';

describe("a model's output at the input", () => {
  test('one output is shown as its value, with no probability', () => {
    expect(outputSummary(Float32Array.of(0.25))).toEqual({ ranked: [], value: 0.25 });
    expect(outputSummary(Float32Array.of(-3.5))).toEqual({ ranked: [], value: -3.5 });
  });

  test('several outputs are ranked by their softmax', () => {
    const { ranked, value } = outputSummary(Float32Array.of(0, Math.log(3)));
    expect(value).toBeUndefined();
    expect(ranked.map((r) => r.index)).toEqual([1, 0]);
    expect(ranked[0]?.probability).toBeCloseTo(0.75, 6);
  });
});
