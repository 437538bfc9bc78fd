import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatNpy } from '../src/npy.js';
import { fixture, ig, tempDir } from './helpers.js';
import { expectComplete, type TextSample } from './text-checks.js';

// roberta.onnx (fixtures/text_models/make.py) computes its position ids in the graph as RoBERTa
// does: padding_idx 1 + the running count of non-pad ids, so its 42 position rows hold 40 tokens.
// captum-lig.json holds Captum 0.7's LayerIntegratedGradients on it (captum_reference.py).
const DIR = fixture('text_models');
const at = (name: string): string => join(DIR, name);
const LONG = Array.from({ length: 10 }, () => 'the movie was great').join(' ');
const MODEL = ['--model', at('roberta.onnx'), '--tokenizer', at('roberta.json'), '--target', '0', '--no-cache'];

interface CaptumCase {
  tokens: string[];
  ids: number[];
  layer?: string;
  tokenAttributions: number[];
  fInput: number;
  fBaseline: number;
  delta: number;
}
const cases = (JSON.parse(readFileSync(at('captum-lig.json'), 'utf8')) as { cases: CaptumCase[] }).cases;
const [wordCase, sumCase] = cases.filter((c) => c.tokens[0] === '<s>') as [CaptumCase, CaptumCase];

function explain(args: readonly string[]): { sample: TextSample; stderr: string } {
  const cwd = tempDir('roberta');
  const run = ig(['explain', ...MODEL, ...args, '--json', 'r.json'], { cwd });
  expect(run.code, run.stderr).toBe(0);
  const report = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as { samples: TextSample[] };
  return { sample: report.samples[0] as TextSample, stderr: run.stderr };
}

const worstGap = (actual: readonly number[], expected: readonly number[]): number => {
  expect(actual).toHaveLength(expected.length);
  const worst = Math.max(...actual.map((v, i) => Math.abs(v - (expected[i] as number))));
  if (process.env['IG_MEASURE'] !== undefined) console.log(JSON.stringify({ worst }));
  return worst;
};

describe('RoBERTa-style position ids (padding_idx + 1 + count of non-pad tokens)', () => {
  it('a 43-token text is truncated to the 40 tokens the 42 position rows hold, and matches Captum', () => {
    const { sample, stderr } = explain(['--text', LONG]);
    expect(stderr).toContain('the text has 43 tokens; the model takes at most 40: only the first 40 are explained');
    expect(sample.tokens).toEqual(wordCase.tokens);
    // float32 sums of 50 Gauss–Legendre terms on both sides; attributions of 1e-3, measured worst 8.8e-10.
    expect(worstGap(sample.tokenAttributions, wordCase.tokenAttributions)).toBeLessThan(8e-9);
    expect(sample.fInput).toBeCloseTo(wordCase.fInput, 6);
    // At the word embedding the path starts from the pad rows at the text's positions (the suffix
    // counts positions from the text's ids at every step, as Captum's forward does), not from the
    // model run on the baseline ids, whose pads sit at position 1: Captum's convergence delta holds
    // that gap, ours is the integration error alone.
    expect(Math.abs(wordCase.delta)).toBeGreaterThan(1e-3);
    expect(sample.fBaseline - wordCase.fBaseline).toBeCloseTo(-wordCase.delta, 5);
    // Measured |delta| / |F(x) − F(x′)| 5.1e-7.
    expectComplete(sample, 5e-6);
  });

  it('--layer at the word + position sum: the baseline ids set its positions, as Captum on that layer', () => {
    const { sample } = explain(['--text', LONG, '--layer', sumCase.layer as string]);
    // Measured worst 1.3e-9.
    expect(worstGap(sample.tokenAttributions, sumCase.tokenAttributions)).toBeLessThan(1.2e-8);
    expect(sample.fBaseline).toBeCloseTo(sumCase.fBaseline, 6);
    expect(Math.abs(sample.delta - sumCase.delta)).toBeLessThan(1e-6);
  });

  it('--too-long error names the length and the limit; 41 ids from a .npy are refused by name', () => {
    const refused = ig(['explain', ...MODEL, '--text', LONG, '--too-long', 'error']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error: the text has 43 tokens; the model takes at most 40');
    const cwd = tempDir('roberta-ids');
    const ids = [...wordCase.ids.slice(0, 40), 2];
    writeFileSync(
      join(cwd, 'ids.npy'),
      formatNpy(
        BigInt64Array.from(ids, (v) => BigInt(v)),
        [1, ids.length],
      ),
    );
    const tooMany = ig(['explain', ...MODEL, '--input', join(cwd, 'ids.npy')]);
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr).toContain('input "input_ids": has 41 positions; the model has position embeddings for at most 40 tokens');
  });

  it('batch and hierarchy take the same 40 tokens: the batch item is the explain sample, the occlusion root F(x) − F(x′)', () => {
    const cwd = tempDir('roberta-batch');
    writeFileSync(join(cwd, 'texts.jsonl'), `${JSON.stringify({ text: LONG, id: 'long' })}\n`);
    const batch = ig(['batch', ...MODEL, '--inputs', 'texts.jsonl', '--out-dir', 'out'], { cwd });
    expect(batch.code, batch.stderr).toBe(0);
    const item = JSON.parse(readFileSync(join(cwd, 'out', 'long.json'), 'utf8')) as TextSample;
    const { sample } = explain(['--text', LONG]);
    expect(item.tokens).toEqual(wordCase.tokens);
    expect(item.tokenAttributions).toEqual(sample.tokenAttributions);
    const tree = ig(['hierarchy', ...MODEL, '--text', LONG, '--score', 'occlusion', '--json', 'tree.json'], { cwd });
    expect(tree.code, tree.stderr).toBe(0);
    const json = JSON.parse(readFileSync(join(cwd, 'tree.json'), 'utf8')) as { tokens: string[]; fullScore: number };
    expect(json.tokens).toEqual(wordCase.tokens);
    expect(Math.abs(json.fullScore - (sample.fInput - sample.fBaseline))).toBeLessThan(1e-6);
  });
});
