import { describe, expect, it } from 'vitest';
import { ContextInputError, createTokenLayerExplainer, DataType } from '../src/index.js';
import { decodeModel, encodeModel } from '../src/proto/model-io.js';
import { asDeclaredInteger } from '../src/runtime/context.js';
import { positionRows } from '../src/token-ids.js';
import { makeModel } from './helpers/model.js';
import { runtimes } from './helpers/ort.js';

const ort = runtimes.node;
const WORDS = [0, 0, 1, 1, 2, 2, 3, 3, 4, 4];
const POSITIONS = [0, 10, 20, 30, 40, 50, 60, 70];

/**
 * word[ids] + position[Range(0, L)] with int ids of `type`, declared [batch, L] (or fixed): the
 * shape of a BERT/GPT-2 embedding layer, 5 words and 4 positions of 2 features.
 */
function embeddingModel(type: number, sequence: number | string): Uint8Array {
  const model = decodeModel(
    makeModel({
      opset: 14,
      inputs: { input_ids: ['batch', sequence] },
      constants: {
        word: { dims: [5, 2], values: WORDS },
        position: { dims: [4, 2], values: POSITIONS },
        one: { dims: [], values: [1], type: 'int64' },
        zero: { dims: [], values: [0], type: 'int64' },
      },
      nodes: [
        { op: 'Gather', inputs: ['word', 'input_ids'], outputs: ['embedded'] },
        { op: 'Shape', inputs: ['input_ids'], outputs: ['shape'] },
        { op: 'Gather', inputs: ['shape', 'one'], outputs: ['length'] },
        { op: 'Range', inputs: ['zero', 'length', 'one'], outputs: ['positions'] },
        { op: 'Gather', inputs: ['position', 'positions'], outputs: ['placed'] },
        { op: 'Add', inputs: ['embedded', 'placed'], outputs: ['sum'] },
        { op: 'ReduceSum', inputs: ['sum'], outputs: ['logits'], attributes: { keepdims: { int: 1 } } },
      ],
      outputs: ['logits'],
    }),
  );
  const input = model.graph?.input?.[0];
  if (input?.type?.tensorType) input.type.tensorType.elemType = type;
  return encodeModel(model);
}

/**
 * RoBERTa's embedding: word[ids] + position[1 + cumsum(ids != 1) * (ids != 1)] (pad id 1 at
 * position 1), 5 words and 6 position rows of 2 features: 4 tokens fit (positions 2 to 5).
 */
function robertaModel(): Uint8Array {
  const model = decodeModel(
    makeModel({
      opset: 14,
      inputs: { input_ids: ['batch', 'sequence'] },
      constants: {
        word: { dims: [5, 2], values: WORDS },
        position: { dims: [6, 2], values: [...POSITIONS, 80, 90, 100, 110] },
        pad: { dims: [], values: [1], type: 'int64' },
        axis: { dims: [], values: [1], type: 'int64' },
      },
      nodes: [
        { op: 'Gather', inputs: ['word', 'input_ids'], outputs: ['embedded'] },
        { op: 'Equal', inputs: ['input_ids', 'pad'], outputs: ['is_pad'] },
        { op: 'Not', inputs: ['is_pad'], outputs: ['kept'] },
        { op: 'Cast', inputs: ['kept'], outputs: ['counted'], attributes: { to: { int: DataType.INT32 } } },
        { op: 'CumSum', inputs: ['counted', 'axis'], outputs: ['running'] },
        { op: 'Mul', inputs: ['running', 'counted'], outputs: ['masked'] },
        { op: 'Cast', inputs: ['masked'], outputs: ['masked64'], attributes: { to: { int: DataType.INT64 } } },
        { op: 'Add', inputs: ['masked64', 'pad'], outputs: ['positions'] },
        { op: 'Gather', inputs: ['position', 'positions'], outputs: ['placed'] },
        { op: 'Add', inputs: ['embedded', 'placed'], outputs: ['sum'] },
        { op: 'ReduceSum', inputs: ['sum'], outputs: ['logits'], attributes: { keepdims: { int: 1 } } },
      ],
      outputs: ['logits'],
    }),
  );
  const input = model.graph?.input?.[0];
  if (input?.type?.tensorType) input.type.tensorType.elemType = DataType.INT64;
  return encodeModel(model);
}

const ids64 = (values: readonly number[]) => ({ data: BigInt64Array.from(values, (v) => BigInt(v)), shape: [1, values.length] });

describe('token models of other id types and lengths', () => {
  it('int32 ids given as int64 (a tokenizer, an .npy) are fed as int32; the output is the embedding sum', async () => {
    const explainer = await createTokenLayerExplainer(ort, 'onnxruntime-node', embeddingModel(DataType.INT32, 'sequence'), 'embedded');
    expect(explainer.maxPositions).toBe(4);
    expect(explainer.inputShapes.get('input_ids')).toEqual([null, null]);
    // ids 4, 1, 2: words 4+4 + 1+1 + 2+2, positions 0+10 + 20+30 + 40+50.
    const output = await explainer.predict({ input_ids: ids64([4, 1, 2]) });
    expect(Array.from(output.data)).toEqual([164]);
    await expect(explainer.predict({ input_ids: ids64([1, 1, 1, 1, 1]) })).rejects.toThrow(
      'input "input_ids": has 5 positions; the model has position embeddings for at most 4',
    );
    await explainer.dispose();
  });

  it('a fixed sequence axis is checked by name before the model runs', async () => {
    const explainer = await createTokenLayerExplainer(ort, 'onnxruntime-node', embeddingModel(DataType.INT64, 3), 'embedded');
    expect(explainer.inputShapes.get('input_ids')).toEqual([null, 3]);
    await expect(explainer.predict({ input_ids: ids64([1, 2]) })).rejects.toThrow(ContextInputError);
    await expect(explainer.predict({ input_ids: ids64([1, 2]) })).rejects.toThrow(
      'input "input_ids": the model takes exactly 3 positions on axis 1 (a fixed length: pad to it), got shape [1, 2]',
    );
    // Word 0 is zeros: the sum of positions 0 to 2.
    expect(Array.from((await explainer.predict({ input_ids: ids64([0, 0, 0]) })).data)).toEqual([150]);
    await explainer.dispose();
  });

  it('positionRows ignores tables indexed by graph inputs other than position ids; int64 past int32 is refused', () => {
    expect(positionRows(decodeModel(embeddingModel(DataType.INT64, 'sequence')).graph ?? {})).toBe(4);
    const noPositions = decodeModel(embeddingModel(DataType.INT64, 'sequence'));
    noPositions.graph?.node?.splice(1, 4);
    expect(positionRows(noPositions.graph ?? {})).toBeUndefined();
    expect(() => asDeclaredInteger('input_ids', ids64([2 ** 31]), DataType.INT32)).toThrow(/value 2147483648 at position 0 does not fit in int32/);
    const back = asDeclaredInteger('input_ids', { data: Int32Array.from([7]), shape: [1, 1] }, DataType.INT64);
    expect(back.data).toEqual(BigInt64Array.from([7n]));
  });

  it("RoBERTa's position ids (pad id 1 + the count of non-pad ids) take 2 of the rows: 6 rows hold 4 tokens", async () => {
    const explainer = await createTokenLayerExplainer(ort, 'onnxruntime-node', robertaModel(), 'embedded');
    expect(explainer.maxPositions).toBe(4);
    // ids 0, 3, 4, 2 at positions 2 to 5: words 0+0 + 3+3 + 4+4 + 2+2, positions 40+50 + 60+70 + 80+90 + 100+110.
    expect(Array.from((await explainer.predict({ input_ids: ids64([0, 3, 4, 2]) })).data)).toEqual([618]);
    // A pad id sits at position 1 and is not counted: ids 0, 1, 2 at positions 2, 1, 3.
    expect(Array.from((await explainer.predict({ input_ids: ids64([0, 1, 2]) })).data)).toEqual([6 + 90 + 50 + 130]);
    await expect(explainer.predict({ input_ids: ids64([0, 3, 4, 4, 2]) })).rejects.toThrow(
      'input "input_ids": has 5 positions; the model has position embeddings for at most 4 tokens',
    );
    await explainer.dispose();
  });
});
