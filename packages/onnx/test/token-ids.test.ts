import { describe, expect, it } from 'vitest';
import { ContextInputError, createTokenLayerExplainer } from '../src/index.js';
import { decodeModel } from '../src/proto/model-io.js';
import type { onnx } from '../src/proto/generated/onnx.js';
import { tensorValues } from '../src/proto/tensor.js';
import { embeddingTables } from '../src/token-ids.js';
import { runtimes } from './helpers/ort.js';
import { EMBEDDING_LAYER, ids, spamBytes, spamExample } from './helpers/text.js';

const ort = runtimes.node;
const embedding = (decodeModel(spamBytes).graph?.initializer ?? []).find((t) => t.name === 'embedding.weight') as onnx.ITensorProto;
const rows = Number(embedding.dims?.[0]);
const table = Float32Array.from(tensorValues(embedding).values as ArrayLike<number>);

describe('token ids outside the embedding table', () => {
  it('finds the table of the spam classifier from its Gather', () => {
    expect(rows).toBeGreaterThan(1000);
    expect(embeddingTables(decodeModel(spamBytes).graph as never)).toEqual([{ input: 'input_ids', node: '/embedding/Gather', rows }]);
  });

  it('an id past the table or negative, in the input or the baseline, is a typed error naming the input, position and table; the last row runs', async () => {
    const explainer = await createTokenLayerExplainer(ort, 'onnxruntime-node', spamBytes, EMBEDDING_LAYER);
    const { inputs, baselines } = spamExample(0);
    const row = Array.from(inputs.input_ids?.data as BigInt64Array, Number);
    const withId = (position: number, id: number) => ids(row.map((v, k) => (k === position ? id : v)));
    const message = new RegExp(
      `input "input_ids": token id ${rows} at position 3 is outside the embedding table of Gather "/embedding/Gather" \\(${rows} rows, ids 0 to ${rows - 1}\\)`,
    );
    await expect(explainer.predict({ ...inputs, input_ids: withId(3, rows) })).rejects.toThrow(ContextInputError);
    await expect(explainer.predict({ ...inputs, input_ids: withId(3, rows) })).rejects.toThrow(message);
    await expect(explainer.attribute(inputs, { baselines: { input_ids: withId(3, rows) }, target: 1, steps: 4 })).rejects.toThrow(message);
    // ONNX's Gather would read −1 as the last row; PyTorch's nn.Embedding refuses it, and −1 and
    // −100 mark padding or ignored positions, so a negative id is refused as well.
    await expect(explainer.activation({ ...inputs, input_ids: withId(0, -1) })).rejects.toThrow(/token id -1 at position 0 is outside the embedding table/);
    await expect(explainer.activation({ ...inputs, input_ids: withId(2, -100) })).rejects.toThrow(/token id -100 at position 2/);
    // The last row runs: position 3 of the activation is row rows − 1 of the table.
    const last = await explainer.activation({ ...inputs, input_ids: withId(3, rows - 1) });
    const width = last.shape[2] as number;
    expect(Array.from(last.data.subarray(3 * width, 4 * width))).toEqual(Array.from(table.subarray((rows - 1) * width, rows * width)));
    await explainer.attribute(inputs, { baselines, target: 1, steps: 4 });
    await explainer.dispose();
  });
});
