/** The Output list and the output a run explains, read from declared shapes, against what onnxruntime-node's runs give. */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import { inspect } from '@ig/onnx';
import { declaredClasses, listedOutputs, pickOutput, type DeclaredOutput } from '../src/model-outputs.js';
import { FIXTURES } from './user-files.js';

/** Each output's dimensions in one run of the model on a [1, …] input, by onnxruntime-node. */
async function runDims(model: string, inputShape: readonly number[]): Promise<Record<string, readonly number[]>> {
  const session = await ort.InferenceSession.create(`${FIXTURES}${model}`);
  try {
    const size = inputShape.reduce((a, b) => a * b, 1);
    const outputs = await session.run({ [session.inputNames[0] as string]: new ort.Tensor('float32', new Float32Array(size).fill(0.5), [...inputShape]) });
    return Object.fromEntries(Object.entries(outputs).map(([name, t]) => [name, t.dims]));
  } finally {
    await session.release();
  }
}

describe('a model’s outputs on the page', () => {
  test('the Output list of an ONNX model: its graph outputs, the declared class counts those of a run', async () => {
    const heads = inspect(readFileSync(`${FIXTURES}heads-rgb-24x36.onnx`)).outputs;
    const dims = await runDims('heads-rgb-24x36.onnx', [1, 3, 24, 36]);
    expect(listedOutputs(heads)).toEqual([
      { name: 'kind', classes: dims.kind?.[1] },
      { name: 'colour', classes: dims.colour?.[1] },
      { name: 'features', classes: undefined },
      // [N, channels]: symbolic, so counted by the page's first run
      { name: 'pooled', classes: undefined },
    ]);
    expect([dims.kind, dims.colour, dims.pooled]).toEqual([
      [1, 5],
      [1, 3],
      [1, 4],
    ]);
    // The unnamed batch axis of another export leaves the class count declared.
    const unknownBatch = inspect(readFileSync(`${FIXTURES}batch-unknown-rgb-32x32.onnx`)).outputs;
    expect(listedOutputs(unknownBatch)).toEqual([{ name: 'logits', classes: (await runDims('batch-unknown-rgb-32x32.onnx', [1, 3, 32, 32])).logits?.[1] }]);
  });

  test('classifier and one-value outputs are picked; the others are refused naming the outputs, the shape and its rank', () => {
    const outputs: DeclaredOutput[] = [
      { name: 'kind', shape: ['N', 5] },
      { name: 'features', shape: ['N', 4, 12, 18] },
      { name: 'scores', shape: [10] },
      { name: 'ids', shape: ['batch'] },
      { name: 'opaque', shape: null },
    ];
    for (const name of ['kind', 'scores', 'ids', 'opaque']) expect(pickOutput(outputs, name, 'm.onnx')).toBe(name);
    expect(declaredClasses([10])).toBe(10);
    // One value per example, as `ig explain` explains it: a regression's [batch], a scalar with a batch of 1.
    expect(declaredClasses(['batch'])).toBe(1);
    expect(declaredClasses([])).toBe(1);
    expect(declaredClasses([null, 1])).toBe(1);
    expect(declaredClasses(['N', 'K'])).toBeUndefined();
    expect(() => pickOutput(outputs, 'features', 'm.onnx')).toThrow(
      "m.onnx: output 'features' has shape [N, 4, 12, 18], rank 4; the playground explains classifier outputs [batch, classes] and one value per example ([batch], or [] with a batch of 1); pick another output",
    );
    expect(() => pickOutput(outputs, 'logits', 'm.onnx')).toThrow(
      "m.onnx has no output 'logits'; its outputs are 'kind' [N, 5], 'features' [N, 4, 12, 18], 'scores' [10], 'ids' [batch], 'opaque' (no declared shape)",
    );
    expect(() => pickOutput(outputs, undefined, 'm.onnx')).toThrow('m.onnx has 5 outputs (');
    // One output: picked without a name; a non-classifier one refused without "pick another".
    expect(pickOutput([{ name: 'logits', shape: [null, 5] }], undefined, 'm.onnx')).toBeUndefined();
    expect(() => pickOutput([{ name: 'map', shape: [1, 8, 8] }], undefined, 'm.onnx')).toThrow(
      "m.onnx: output 'map' has shape [1, 8, 8], rank 3; the playground explains classifier outputs [batch, classes] and one value per example ([batch], or [] with a batch of 1)",
    );
  });
});
