import { describe, expect, it } from 'vitest';
import { captumModelBytes } from '@ig/test-fixtures';
import { DataType, extrapolateFacts, inferShapes } from '../src/index.js';
import { runtimes } from './helpers/ort.js';

const ort = runtimes.node;
const cnn = captumModelBytes('small_cnn');
const batch = (n: number) => ({ input: new ort.Tensor('float32', new Float32Array(n * 784).fill(0.5), [n, 1, 28, 28]) });

describe('shape probing', () => {
  it('records the shape and type of every tensor of a run', async () => {
    const facts = await inferShapes(ort, cnn, batch(3));
    expect(facts.shapes.get('/features/features.3/MaxPool_output_0')).toEqual([3, 8, 14, 14]);
    expect(facts.shapes.get('logits')).toEqual([3, 10]);
    expect(facts.dataTypes.get('logits')).toBe(DataType.FLOAT);
  });

  it('facts extrapolated from batches of 1 and 2 equal a probe of the full batch', async () => {
    const extrapolated = extrapolateFacts(await inferShapes(ort, cnn, batch(1)), await inferShapes(ort, cnn, batch(2)), 7);
    const direct = await inferShapes(ort, cnn, batch(7));
    expect([...extrapolated.shapes.entries()].sort()).toEqual([...direct.shapes.entries()].sort());
  });

  it('integer values are extrapolated when affine in the batch, dropped otherwise', () => {
    const one = {
      shapes: new Map([['s', [2]]]),
      dataTypes: new Map([
        ['s', DataType.INT64],
        ['f', DataType.FLOAT],
      ]),
      values: new Map([
        ['s', [1, 12]],
        ['f', [0.5]],
        ['k', [3]],
      ]),
    };
    const two = {
      shapes: new Map([['s', [2]]]),
      dataTypes: one.dataTypes,
      values: new Map([
        ['s', [2, 12]],
        ['f', [0.25]],
        ['k', [3]],
      ]),
    };
    const facts = extrapolateFacts(one, two, 5);
    expect(facts.values.get('s')).toEqual([5, 12]);
    expect(facts.values.has('f')).toBe(false);
    expect(facts.values.get('k')).toEqual([3]);
  });
});
