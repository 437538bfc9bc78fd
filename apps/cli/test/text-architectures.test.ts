import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { formatNpy } from '../src/npy.js';
import { fixture, ig, int32Npy, tempDir } from './helpers.js';
import { expectComplete, expectTokensComplete, type TextSample } from './text-checks.js';

// Small BERT, GPT-2, DistilBERT-style models and WordPiece, byte-level BPE and Unigram tokenizers
// (fixtures/text_models/make.py); captum-lig.json is Captum 0.7's LayerIntegratedGradients on
// their word embeddings (captum_reference.py).
const DIR = fixture('text_models');
const at = (name: string): string => join(DIR, name);
const TEXT = 'The movie was not good, boring acting!';

interface CaptumCase {
  tokens: string[];
  ids: number[];
  target: number | number[];
  tokenAttributions: number[];
  fInput: number;
  fBaseline: number;
}
const captum = JSON.parse(readFileSync(at('captum-lig.json'), 'utf8')) as { cases: CaptumCase[] };

type Sample = Omit<TextSample, 'target'> & { target: number | number[] };

function explain(args: readonly string[], expectCode = 0): { sample: Sample; stderr: string } {
  const cwd = tempDir('text-arch');
  const run = ig(['explain', ...args, '--json', 'r.json', '--no-cache'], { cwd });
  expect(run.code, run.stderr).toBe(expectCode);
  // --text writes { samples: [...] }; token ids from a .npy write the one report.
  const report = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as { samples?: Sample[] } & Sample;
  return { sample: report.samples?.[0] ?? report, stderr: run.stderr };
}

/** The model's output for int inputs, run by onnxruntime directly. */
async function logits(model: string, inputs: Record<string, { data: BigInt64Array | Int32Array; shape: number[] }>): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(at(model), { logSeverityLevel: 4 });
  const feeds = Object.fromEntries(
    Object.entries(inputs).map(([name, v]) => [name, new ort.Tensor(v.data instanceof Int32Array ? 'int32' : 'int64', v.data, v.shape)]),
  );
  const out = await session.run(feeds);
  await session.release();
  return (out['logits'] as ort.Tensor).data as Float32Array;
}

const int64 = (values: readonly number[]): { data: BigInt64Array; shape: number[] } => ({
  data: BigInt64Array.from(values, (v) => BigInt(v)),
  shape: [1, values.length],
});
const wordpiece = JSON.parse(readFileSync(at('wordpiece.json'), 'utf8')) as { model: { vocab: Record<string, number> } };
const idsOf = (tokens: readonly string[]): number[] => tokens.map((t) => wordpiece.model.vocab[t] as number);

// Completeness bounds (|delta| / |F(x) − F(x′)| at 50 steps) sit within 10× of the values
// IG_MEASURE=1 prints: 1.5e-6 (BERT), 1.7e-7 (GPT-2), 9.1e-7 (int32), 4.2e-6 (position_ids),
// 1.9e-6 (fixed length), 7.4e-7 (DistilBERT).
const expectNear = (actual: readonly number[], expected: readonly number[], tolerance: number): void => {
  expect(actual).toHaveLength(expected.length);
  const worst = Math.max(...actual.map((v, i) => Math.abs(v - (expected[i] as number))));
  if (process.env['IG_MEASURE'] !== undefined) console.log(JSON.stringify({ worst, tolerance }));
  expect(worst).toBeLessThan(tolerance);
};

describe('BERT-style encoder (WordPiece with [CLS]/[SEP], a tokenizer.json without truncation)', () => {
  const [bert, gpt2] = captum.cases as [CaptumCase, CaptumCase];

  it("matches Captum's LayerIntegratedGradients: [CLS] … [SEP] added, and kept in the baseline", () => {
    const { sample } = explain(['--model', at('bert.onnx'), '--tokenizer', at('wordpiece.json'), '--text', TEXT, '--target', '1']);
    expect(sample.tokens).toEqual(bert.tokens);
    // Both sides are float32 sums of 50 Gauss–Legendre terms; measured worst 1.6e-9 on attributions of 1e-3.
    expectNear(sample.tokenAttributions, bert.tokenAttributions, 1.5e-8);
    expect(sample.fInput).toBeCloseTo(bert.fInput, 6);
    expect(sample.fBaseline).toBeCloseTo(bert.fBaseline, 6);
    // The baseline keeps [CLS] and [SEP]: their embedding rows do not move, so exactly 0.
    expect([sample.tokenAttributions[0], sample.tokenAttributions[11]]).toEqual([0, 0]);
    expect(sample.words).toEqual(['[CLS]', 'the', 'movie', 'was', 'not', 'good', ',', 'boring', 'acting', '!', '[SEP]']);
    expect(sample.wordAttributions[8]).toBeCloseTo((sample.tokenAttributions[8] as number) + (sample.tokenAttributions[9] as number), 7);
    expectComplete(sample as TextSample, 1.5e-5);
  });

  it('the same ids from a .npy keep [CLS]/[SEP] in the baseline too and give the same attributions', () => {
    const cwd = tempDir('text-arch-ids');
    writeFileSync(
      join(cwd, 'ids.npy'),
      formatNpy(
        BigInt64Array.from(bert.ids, (v) => BigInt(v)),
        [1, bert.ids.length],
      ),
    );
    const { sample } = explain(['--model', at('bert.onnx'), '--tokenizer', at('wordpiece.json'), '--input', join(cwd, 'ids.npy'), '--target', '1']);
    expectNear(sample.tokenAttributions, bert.tokenAttributions, 1.5e-8);
  });

  it('a text longer than the 40 position embeddings is truncated to 40 with [SEP] last; --too-long error refuses it', async () => {
    const long = Array.from({ length: 15 }, () => 'the movie was good').join(' ');
    const { sample, stderr } = explain(['--model', at('bert.onnx'), '--tokenizer', at('wordpiece.json'), '--text', long, '--target', '1']);
    expect(stderr).toContain('the text has 62 tokens; the model takes at most 40');
    expect(sample.tokens).toHaveLength(40);
    expect([sample.tokens[0], sample.tokens[39]]).toEqual(['[CLS]', '[SEP]']);
    const ids = idsOf(sample.tokens);
    const out = await logits('bert.onnx', { input_ids: int64(ids), attention_mask: int64(ids.map(() => 1)), token_type_ids: int64(ids.map(() => 0)) });
    expect(sample.fInput).toBeCloseTo(out[1] as number, 6);
    const refused = ig(['explain', '--model', at('bert.onnx'), '--tokenizer', at('wordpiece.json'), '--text', long, '--too-long', 'error', '--no-cache']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the text has 62 tokens; the model takes at most 40');
  });

  it('GPT-2-style causal LM: --target last,TOKEN is the logit of that next token after the text, as Captum gives it', () => {
    const { sample, stderr } = explain(['--model', at('gpt2.onnx'), '--tokenizer', at('bpe.json'), '--text', 'The movie was', '--target', 'last,Ġgreat']);
    expect(sample.tokens).toEqual(gpt2.tokens);
    expect(sample.target).toEqual(gpt2.target);
    expect(sample.words).toEqual(['The', 'movie', 'was']);
    // Attributions near 1; measured worst 2.2e-7 (float32 sums over 16 features and 50 steps).
    expectNear(sample.tokenAttributions, gpt2.tokenAttributions, 2e-6);
    expect(sample.fInput).toBeCloseTo(gpt2.fInput, 5);
    expect(stderr).toContain('bpe.json has no pad token (no "padding", no [PAD] or <pad>): the baseline is id 0');
  });

  it('byte-level words are decoded: the bytes of é (Ã©) stay in their word', () => {
    const { sample } = explain(['--model', at('gpt2.onnx'), '--tokenizer', at('bpe.json'), '--text', 'The café was great!', '--target', 'last']);
    expect(sample.tokens).toEqual(['T', 'he', 'Ġ', 'c', 'a', 'f', 'Ã', '©', 'Ġwas', 'Ġgreat', '!']);
    expect(sample.words).toEqual(['The', 'café', 'was', 'great', '!']);
    expect(sample.wordAttributions[1]).toBeCloseTo(
      sample.tokenAttributions.slice(2, 8).reduce((a, b) => a + b, 0),
      6,
    );
  });

  it('--target last takes the predicted next token at the last text position', async () => {
    const { sample } = explain(['--model', at('gpt2.onnx'), '--tokenizer', at('bpe.json'), '--text', 'The movie was', '--target', 'last']);
    const out = await logits('gpt2.onnx', { input_ids: int64(gpt2.ids), attention_mask: int64([1, 1, 1, 1]) });
    const vocab = out.length / 4;
    const row = Array.from(out.subarray(3 * vocab));
    expect(sample.target).toEqual([3, row.indexOf(Math.max(...row))]);
    expect(sample.fInput).toBeCloseTo(Math.max(...row), 5);
    expectTokensComplete(sample, 2e-6);
  });
});

describe('input variants: int32 ids, a position_ids input, a fixed length, no token_type_ids', () => {
  const tokens = ['[CLS]', 'the', 'movie', 'was', 'not', 'good', ',', 'boring', 'act', '##ing', '!', '[SEP]'];
  const ids = idsOf(tokens);
  const ones = ids.map(() => 1);

  it('int32 ids: the model output at x is the model run on int32 ids; an int32 and an int64 .npy agree', async () => {
    const { sample } = explain(['--model', at('int32_ids.onnx'), '--tokenizer', at('wordpiece.json'), '--text', TEXT, '--target', '1']);
    expect(sample.tokens).toEqual(tokens);
    const shape = [1, ids.length];
    const out = await logits('int32_ids.onnx', {
      input_ids: { data: Int32Array.from(ids), shape },
      attention_mask: { data: Int32Array.from(ones), shape },
      token_type_ids: { data: new Int32Array(ids.length), shape },
    });
    expect(sample.fInput).toBeCloseTo(out[1] as number, 6);
    expectComplete(sample as TextSample, 1e-5);
    const cwd = tempDir('text-arch-int32');
    writeFileSync(join(cwd, 'a.npy'), int32Npy(ids));
    writeFileSync(
      join(cwd, 'b.npy'),
      formatNpy(
        BigInt64Array.from(ids, (v) => BigInt(v)),
        shape,
      ),
    );
    const a = explain(['--model', at('int32_ids.onnx'), '--tokenizer', at('wordpiece.json'), '--input', join(cwd, 'a.npy'), '--target', '1']).sample;
    const b = explain(['--model', at('int32_ids.onnx'), '--tokenizer', at('wordpiece.json'), '--input', join(cwd, 'b.npy'), '--target', '1']).sample;
    expect(a.tokenAttributions).toEqual(b.tokenAttributions);
    expect(a.tokenAttributions).toEqual(sample.tokenAttributions);
  });

  it('position_ids are 0…L−1; Unigram (▁) pieces are joined into words, </s> kept in the baseline', async () => {
    const { sample } = explain(['--model', at('position_ids.onnx'), '--tokenizer', at('unigram.json'), '--text', TEXT, '--target', '0']);
    expect(sample.tokens).toEqual(['▁the', '▁movie', '▁was', '▁not', '▁good', ',', '▁boring', '▁a', 'c', 't', 'ing', '!', '</s>']);
    expect(sample.words).toEqual(['the', 'movie', 'was', 'not', 'good', ',', 'boring', 'acting', '!', '</s>']);
    expect(sample.tokenAttributions[12]).toBe(0);
    const unigram = JSON.parse(readFileSync(at('unigram.json'), 'utf8')) as { model: { vocab: [string, number][] } };
    const pieceIds = sample.tokens.map((t) => unigram.model.vocab.findIndex(([piece]) => piece === t));
    const out = await logits('position_ids.onnx', {
      input_ids: int64(pieceIds),
      attention_mask: int64(pieceIds.map(() => 1)),
      position_ids: int64(pieceIds.map((_, i) => i)),
    });
    expect(sample.fInput).toBeCloseTo(out[0] as number, 6);
    expectComplete(sample as TextSample, 4e-5);
  });

  it('a model exported for 16 positions: texts are padded to 16 (mask 0); 12 ids from a .npy are refused by name', async () => {
    const { sample } = explain(['--model', at('fixed16.onnx'), '--tokenizer', at('wordpiece.json'), '--text', TEXT, '--target', '0']);
    expect(sample.tokens).toEqual(tokens);
    const padded = [...ids, 0, 0, 0, 0];
    const out = await logits('fixed16.onnx', { input_ids: int64(padded), attention_mask: int64(padded.map((_, i) => (i < 12 ? 1 : 0))) });
    expect(sample.fInput).toBeCloseTo(out[0] as number, 6);
    expectComplete(sample as TextSample, 2e-5);
    const cwd = tempDir('text-arch-fixed');
    writeFileSync(
      join(cwd, 'ids.npy'),
      formatNpy(
        BigInt64Array.from(ids, (v) => BigInt(v)),
        [1, 12],
      ),
    );
    const refused = ig(['explain', '--model', at('fixed16.onnx'), '--input', join(cwd, 'ids.npy'), '--no-cache']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('input "input_ids": the model takes exactly 16 positions on axis 1 (a fixed length: pad to it), got shape [1, 12]');
  });

  it('DistilBERT-style (no token_type_ids, float32-minimum mask): complete, and F(x) is the model run', async () => {
    const { sample } = explain(['--model', at('distilbert.onnx'), '--tokenizer', at('wordpiece.json'), '--text', TEXT, '--target', '0']);
    const out = await logits('distilbert.onnx', { input_ids: int64(ids), attention_mask: int64(ones) });
    expect(sample.fInput).toBeCloseTo(out[0] as number, 6);
    expectComplete(sample as TextSample, 8e-6);
  });
});

describe('batch and hierarchy on the new architectures', () => {
  it('a manifest of texts on the GPT-2 model with --target last gives what explain --text gives', () => {
    const cwd = tempDir('text-arch-batch');
    writeFileSync(join(cwd, 'texts.jsonl'), '{"text": "The movie was", "id": "a"}\n');
    const common = ['--model', at('gpt2.onnx'), '--tokenizer', at('bpe.json'), '--target', 'last', '--no-cache'];
    const run = ig(['batch', ...common, '--inputs', 'texts.jsonl', '--out-dir', 'out', '--heatmaps'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const item = JSON.parse(readFileSync(join(cwd, 'out', 'a.json'), 'utf8')) as Sample;
    const { sample } = explain([...common, '--text', 'The movie was']);
    expect(item.tokenAttributions).toEqual(sample.tokenAttributions);
    expect(item.words).toEqual(['The', 'movie', 'was']);
    expect(readFileSync(join(cwd, 'out', 'a.html'), 'utf8')).toContain('Ġmovie');
  });

  it('hierarchy --text on BERT: the occlusion root is F(x) − F(x′) of explain --text; the cd root is F(x)', () => {
    const cwd = tempDir('text-arch-tree');
    const common = ['--model', at('bert.onnx'), '--tokenizer', at('wordpiece.json'), '--text', TEXT, '--target', '1', '--no-cache'];
    const run = ig(['hierarchy', ...common, '--score', 'occlusion', '--json', 'tree.json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const tree = JSON.parse(readFileSync(join(cwd, 'tree.json'), 'utf8')) as { tokens: string[]; fullScore: number };
    const { sample } = explain(common);
    expect(tree.tokens).toEqual(sample.tokens);
    expect(Math.abs(tree.fullScore - (sample.fInput - sample.fBaseline))).toBeLessThan(1e-6);
    const cd = ig(['hierarchy', ...common, '--score', 'cd', '--json', 'cd.json'], { cwd });
    expect(cd.code, cd.stderr).toBe(0);
    // All relevant: the relevant part is the whole logit (the irrelevant part keeps ~1e-20 bias shares); measured 0,
    // the bound allows a few float32 ulps of the logit (the decomposed graph sums in another order).
    const cdTree = JSON.parse(readFileSync(join(cwd, 'cd.json'), 'utf8')) as { fullScore: number };
    expect(Math.abs(cdTree.fullScore - sample.fInput)).toBeLessThan(1e-6);
  });
});
