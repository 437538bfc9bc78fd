/** The page's rules that need no browser: what a run teaches the model list, a one-output model's summary, URL values. */
import { describe, expect, test } from 'vitest';
import { learnFromRun } from '../src/learn-classes.js';
import type { ImageModel, PlaygroundModel } from '../src/models.js';
import { checkChoice, checkSteps } from '../src/url-params.js';
import { outputSummary } from '../src/worker/probabilities.js';

const userModel = (name: string, classes?: number): ImageModel => ({
  id: `user:${name}`,
  label: name,
  kind: 'image',
  engines: ['ort-wasm'],
  labels: null,
  ...(classes === undefined ? {} : { classes }),
  files: { format: 'onnx', url: '' },
  input: { width: 8, height: 8, channels: 3, layout: 'nchw', mean: [0, 0, 0], std: [1, 1, 1] },
  samples: [],
});

describe('what a run teaches the model list', () => {
  test('the model that ran learns the class count it did not declare', () => {
    const ran = userModel('symbolic.onnx');
    const { models, learned } = learnFromRun([ran], ran, undefined, 7);
    expect(learned).toMatchObject({ id: 'user:symbolic.onnx', classes: 7 });
    expect(models).toEqual([learned]);
  });

  test('a model replaced during its run (a new drop) teaches nothing, and the new one keeps its own count', () => {
    const ran = userModel('model.onnx');
    const replacement = userModel('model.onnx', 3);
    const list: PlaygroundModel[] = [replacement];
    const { models, learned } = learnFromRun(list, ran, undefined, 7);
    expect(learned).toBeUndefined();
    expect(models).toBe(list);
    expect(Object.keys(models)).toEqual(['0']);
  });

  test('a model that declares its count learns nothing', () => {
    const ran = userModel('five.onnx', 5);
    expect(learnFromRun([ran], ran, undefined, 5).learned).toBeUndefined();
  });
});

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

describe('URL parameter values', () => {
  test('a value a control offers is taken', () => {
    expect(checkChoice('baseline', 'min', ['zero', 'min', 'mean'])).toBe('min');
    expect(checkSteps('auto')).toBe('auto');
    expect(checkSteps('16')).toBe('16');
  });

  test('any other is an error naming it and the valid values', () => {
    expect(() => checkChoice('baseline', 'bogus', ['zero', 'min', 'mean'])).toThrow(
      "URL parameter baseline='bogus' is not valid: it takes one of zero, min, mean",
    );
    const classes = Array.from({ length: 1000 }, (_, i) => String(i));
    expect(() => checkChoice('target', '1000', classes, ' (the classes of m)')).toThrow(
      "URL parameter target='1000' is not valid: it takes one of 0, 1, 2 … 999 (the classes of m)",
    );
    for (const steps of ['0', '-3', '2.5', 'abc', '']) expect(() => checkSteps(steps)).toThrow(`steps='${steps}' is not valid`);
  });
});
