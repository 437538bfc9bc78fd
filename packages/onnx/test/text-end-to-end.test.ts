import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Tokenizer } from '@huggingface/tokenizers';
import { encodeText, TextInputError, tokenizerLimits, tokenSums, wordSums } from '@ig/core';
import { createTokenLayerExplainer, findEmbeddingOutput } from '../src/index.js';
import { fixturesDir } from './helpers/fixtures.js';
import { runtimes } from './helpers/ort.js';
import { EMBEDDING_LAYER, spamBytes } from './helpers/text.js';

const read = (name: string): unknown => JSON.parse(readFileSync(join(fixturesDir, 'text', name), 'utf8'));
const tokenizerJson = read('tokenizer.json') as Record<string, unknown>;
const tokenizer = new Tokenizer(tokenizerJson, {});
const limits = tokenizerLimits(tokenizerJson);
const samples = read('samples.json') as { text: string; label: string }[];

describe('the spam tokenizer.json read by @huggingface/tokenizers', () => {
  it('gives the token ids the training script computed in Python on 150 held-out messages', () => {
    const cases = read('token-check.json') as { text: string; ids: number[] }[];
    expect(cases.length).toBe(150);
    for (const { text, ids } of cases) expect(tokenizer.encode(text, { add_special_tokens: false }).ids).toEqual(ids);
    expect(limits).toEqual({ maxLength: 128, padId: 0, unknownToken: '[UNK]' });
  });

  it('unknown words, an empty text and a too-long text', () => {
    const unknown = encodeText(tokenizer, 'zqxjkv ☃', { maxLength: 128 });
    expect(unknown.tokens).toContain('[UNK]');
    expect(unknown.warnings.join()).toMatch(/unknown to the tokenizer/);
    expect(() => encodeText(tokenizer, '', { maxLength: 128 })).toThrow(TextInputError);
    const long = 'free money '.repeat(100);
    expect(encodeText(tokenizer, long, { maxLength: 128 }).truncatedFrom).toBe(200);
    expect(() => encodeText(tokenizer, long, { maxLength: 128, tooLong: 'error' })).toThrow(/200 tokens; the model takes at most 128/);
  });
});

describe('the spam classifier explained from text', () => {
  it('finds the embedding output of the model', () => {
    expect(findEmbeddingOutput(spamBytes)).toBe(EMBEDDING_LAYER);
  });

  it('completeness on every bundled sample; per-token and per-word sums equal the element sums', async () => {
    const explainer = await createTokenLayerExplainer(runtimes.node, 'onnxruntime-node', spamBytes, EMBEDDING_LAYER);
    for (const sample of samples) {
      const encoded = encodeText(tokenizer, sample.text, { maxLength: limits.maxLength ?? 128, padId: limits.padId ?? 0 });
      const shape = [1, encoded.inputIds.length];
      const inputs = { input_ids: { data: encoded.inputIds, shape }, attention_mask: { data: encoded.attentionMask, shape } };
      const logits = (await explainer.predict(inputs)).data;
      const predicted = (logits[1] as number) > (logits[0] as number) ? 1 : 0;
      const baselines = { input_ids: { data: new BigInt64Array(shape[1] as number), shape } };
      const result = await explainer.attribute(inputs, { baselines, target: predicted, steps: 50 });
      const report = result.reports[0];
      // Measured relative completeness errors on these eight messages: 5.5e-6 to 2.4e-4 at 50 steps.
      expect(report?.relativeError).toBeLessThan(2e-3);
      expect(report?.fInput).toBeCloseTo(logits[predicted] as number, 5);
      const attribution = result.attributions[0] as { data: Float32Array; shape: readonly number[] };
      const perToken = tokenSums(attribution).subarray(0, encoded.tokens.length);
      let elements = 0;
      for (const v of attribution.data) elements += v;
      const tokens = perToken.reduce((a, b) => a + b, 0);
      const words = wordSums(encoded.tokens, perToken).values.reduce((a, b) => a + b, 0);
      // float32 sums of 4,096 values in different orders.
      expect(Math.abs(tokens - elements)).toBeLessThan(1e-5);
      expect(Math.abs(words - elements)).toBeLessThan(1e-5);
      expect(Math.abs(elements - ((report?.fInput ?? 0) - (report?.fBaseline ?? 0)))).toBeLessThan(
        2e-3 * Math.abs((report?.fInput ?? 0) - (report?.fBaseline ?? 0)),
      );
      expect(sample.label === 'spam' ? 1 : 0).toBe(predicted);
    }
    await explainer.dispose();
  });
});
