import { describe, expect, it } from 'vitest';
import { ContextInputError, createContextualDecomposition, createTokenLayerExplainer, cutAtTensor, InvalidModelError } from '../src/index.js';
import { runtimes } from './helpers/ort.js';
import { rng } from './helpers/random.js';
import { EMBEDDING_LAYER, spamBytes, spamExample } from './helpers/text.js';

const ort = runtimes.node;

describe('contextual decomposition of the spam classifier cut at its embedding output', () => {
  it('relevant + irrelevant equals the logits for many token groups, the attention mask held fixed (Mul and masked-mean Div by context)', async () => {
    const cut = cutAtTensor(spamBytes, EMBEDDING_LAYER);
    const random = rng(17);
    for (const example of [0, 1]) {
      const { inputs } = spamExample(example);
      const explainer = await createTokenLayerExplainer(ort, 'onnxruntime-node', spamBytes, EMBEDDING_LAYER);
      const x = await explainer.activation(inputs);
      const logits = await explainer.predict(inputs);
      await explainer.dispose();
      const cd = await createContextualDecomposition(ort, 'onnxruntime-node', cut.suffix, {
        input: EMBEDDING_LAYER,
        context: { attention_mask: inputs.attention_mask as never },
      });
      expect(cd.graph.context).toEqual(['attention_mask']);
      const [, length, features] = x.shape as [number, number, number];
      const mask = inputs.attention_mask?.data as BigInt64Array;
      const real = mask.reduce((n, m) => n + Number(m), 0);
      // Groups: 12 random token subsets, every real token, one contiguous phrase, no token, and (for the padded example) the padding alone.
      const groups: number[][] = Array.from({ length: 12 }, () => Array.from({ length: real }, (_, t) => t).filter(() => random() < 0.3));
      groups.push(
        Array.from({ length: real }, (_, t) => t),
        [3, 4, 5, 6],
        [],
      );
      if (real < length) groups.push(Array.from({ length: length - real }, (_, t) => real + t));
      const masks = new Float32Array(groups.length * length * features);
      groups.forEach((g, k) => g.forEach((t) => masks.fill(1, (k * length + t) * features, (k * length + t + 1) * features)));
      const { relevant, irrelevant } = await cd.decompose(x.data, [length, features], masks, groups.length);
      groups.forEach((_, k) => {
        for (let c = 0; c < 2; c++) {
          const sum = (relevant[2 * k + c] as number) + (irrelevant[2 * k + c] as number);
          // float32 sums of ~|10| logits through a conv over 128 positions: measured ≤ 2e-6.
          expect(Math.abs(sum - (logits.data[c] as number))).toBeLessThan(1e-5);
        }
      });
      // The empty group: nothing relevant. The padding alone: the mask multiplies it by 0, so nothing relevant either.
      const empty = groups.length - (real < length ? 2 : 1);
      expect(Math.abs(relevant[2 * empty] as number)).toBeLessThan(1e-12);
      if (real < length)
        expect(Math.max(Math.abs(relevant[2 * groups.length - 2] as number), Math.abs(relevant[2 * groups.length - 1] as number))).toBeLessThan(1e-12);
      // Different groups get different relevant parts.
      expect(Math.abs((relevant[0] as number) - (relevant[2] as number))).toBeGreaterThan(1e-4);
      await cd.dispose();
    }
  });

  it('a multi-input model needs the input to decompose named, and its context inputs given', async () => {
    const cut = cutAtTensor(spamBytes, EMBEDDING_LAYER);
    await expect(createContextualDecomposition(ort, 'onnxruntime-node', cut.suffix)).rejects.toThrow(InvalidModelError);
    await expect(createContextualDecomposition(ort, 'onnxruntime-node', cut.suffix, { input: 'nope' })).rejects.toThrow(/"nope" is not an input/);
    await expect(createContextualDecomposition(ort, 'onnxruntime-node', cut.suffix, { input: EMBEDDING_LAYER })).rejects.toThrow(ContextInputError);
  });
});
