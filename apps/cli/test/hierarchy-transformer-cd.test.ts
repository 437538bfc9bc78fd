import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { fixture, ig, tempDir } from './helpers.js';

// Small BERT-, DistilBERT- and GPT-2-style models (fixtures/text_models/make.py): LayerNorm exported before
// opset 17, attention with an additive mask (BERT), a mask filled with float32's minimum (DistilBERT)
// or a causal mask filled with -inf (GPT-2).
const DIR = fixture('text_models');
const at = (name: string): string => join(DIR, name);
const TEXT = 'the movie was great fun';

interface Tree {
  target: number | number[];
  fullScore: number;
  score: string;
  tokens: string[];
  levels: { features: number[]; score: number }[][];
}

const int64 = (values: readonly number[]): ort.Tensor =>
  new ort.Tensor(
    'int64',
    BigInt64Array.from(values, (v) => BigInt(v)),
    [1, values.length],
  );

/** The model's logits for the ids, run by onnxruntime directly. */
async function logits(model: string, feeds: Record<string, ort.Tensor>): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(at(model), { logSeverityLevel: 4 });
  const out = await session.run(feeds);
  await session.release();
  return (out['logits'] as ort.Tensor).data as Float32Array;
}

function hierarchy(model: string, tokenizer: string, target: string): Tree {
  const out = join(tempDir('hierarchy-transformer-cd'), 'tree.json');
  const result = ig([
    'hierarchy',
    '--model',
    at(model),
    '--tokenizer',
    at(tokenizer),
    '--text',
    TEXT,
    '--score',
    'cd',
    '--target',
    target,
    '--json',
    out,
    '--no-cache',
  ]);
  expect(result.code, result.stderr).toBe(0);
  const tree = JSON.parse(readFileSync(out, 'utf8')) as Tree;
  expect(tree.score).toBe('cd');
  // Every token is a leaf, and the leaves' scores differ (the decomposition is not degenerate).
  const leaves = tree.levels[0] ?? [];
  expect(leaves).toHaveLength(tree.tokens.length);
  expect(new Set(leaves.map((l) => l.score.toFixed(6))).size).toBe(leaves.length);
  return tree;
}

describe('ig hierarchy --text --score cd on transformers', () => {
  it('BERT-style: the cd score of the whole input is the logit of the target (rel + irrel = logit, nothing irrelevant left)', async () => {
    const tree = hierarchy('bert.onnx', 'wordpiece.json', '1');
    const vocab = (JSON.parse(readFileSync(at('wordpiece.json'), 'utf8')) as { model: { vocab: Record<string, number> } }).model.vocab;
    const ids = tree.tokens.map((t) => vocab[t] as number);
    const out = await logits('bert.onnx', { input_ids: int64(ids), attention_mask: int64(ids.map(() => 1)), token_type_ids: int64(ids.map(() => 0)) });
    // measured 0; the bound allows ten float32 ulps of a logit of 0.32 (the decomposed graph sums its parts in another order)
    expect(Math.abs(tree.fullScore - (out[1] as number))).toBeLessThan(3e-7);
  });

  it('DistilBERT-style (attention mask filled with float32 minimum): the cd score of the whole input is the logit', async () => {
    const tree = hierarchy('distilbert.onnx', 'wordpiece.json', '0');
    const vocab = (JSON.parse(readFileSync(at('wordpiece.json'), 'utf8')) as { model: { vocab: Record<string, number> } }).model.vocab;
    const ids = tree.tokens.map((t) => vocab[t] as number);
    const out = await logits('distilbert.onnx', { input_ids: int64(ids), attention_mask: int64(ids.map(() => 1)) });
    // measured 3e-8 (one float32 ulp of a logit of 0.43)
    expect(Math.abs(tree.fullScore - (out[0] as number))).toBeLessThan(3e-7);
  });

  it('GPT-2-style with --target last: the cd score of the whole input is the predicted next-token logit', async () => {
    const tree = hierarchy('gpt2.onnx', 'bpe.json', 'last');
    const vocab = (JSON.parse(readFileSync(at('bpe.json'), 'utf8')) as { model: { vocab: Record<string, number> } }).model.vocab;
    const ids = tree.tokens.map((t) => vocab[t] as number);
    const out = await logits('gpt2.onnx', { input_ids: int64(ids), attention_mask: int64(ids.map(() => 1)) });
    const size = out.length / ids.length;
    const [position, token] = tree.target as [number, number];
    expect(position).toBe(ids.length - 1);
    const last = out.subarray(position * size, (position + 1) * size);
    expect(token).toBe(last.indexOf(Math.max(...last)));
    // measured 1.9e-6 on a logit of 12.2 (float32 through attention, three LayerNorms and the tied head)
    expect(Math.abs(tree.fullScore - (last[token] as number))).toBeLessThan(1e-5);
  });
});
