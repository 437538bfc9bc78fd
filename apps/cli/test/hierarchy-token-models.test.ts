import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, ig, tempDir } from './helpers.js';

// `ig hierarchy --text` opens its model as `ig explain --text` does (openTokenSession): the
// integrated-gradients scores of its nodes are sums of explain's token attributions on every
// input variant of fixtures/text_models (int32 ids, position_ids, a fixed length, GPT-2's ids).
const DIR = fixture('text_models');
const TEXT = 'The movie was not good, boring acting!';

interface Tree {
  tokens: string[];
  fullScore: number;
  levels: { features: number[]; score: number }[][];
}

const CASES = [
  { model: 'int32_ids.onnx', tokenizer: 'wordpiece.json', target: '1' },
  { model: 'position_ids.onnx', tokenizer: 'unigram.json', target: '0' },
  { model: 'fixed16.onnx', tokenizer: 'wordpiece.json', target: '0' },
  { model: 'gpt2.onnx', tokenizer: 'bpe.json', target: 'last' },
];

describe('hierarchy --text on the token-model variants explain --text takes', () => {
  it.each(CASES)('$model: every node is the sum of explain --text token attributions; the warnings are the same', ({ model, tokenizer, target }) => {
    const cwd = tempDir('hierarchy-token');
    const common = ['--model', join(DIR, model), '--tokenizer', join(DIR, tokenizer), '--text', TEXT, '--target', target, '--no-cache'];
    const explained = ig(['explain', ...common, '--json', 'explain.json'], { cwd });
    expect(explained.code, explained.stderr).toBe(0);
    const sample = (JSON.parse(readFileSync(join(cwd, 'explain.json'), 'utf8')) as { samples: { tokens: string[]; tokenAttributions: number[] }[] })
      .samples[0] as { tokens: string[]; tokenAttributions: number[] };
    const run = ig(['hierarchy', ...common, '--score', 'integrated-gradients', '--json', 'tree.json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const warnings = (stderr: string): string[] => stderr.split('\n').filter((line) => line.startsWith('warning:'));
    expect(warnings(run.stderr)).toEqual(warnings(explained.stderr));
    const tree = JSON.parse(readFileSync(join(cwd, 'tree.json'), 'utf8')) as Tree;
    expect(tree.tokens).toEqual(sample.tokens);
    for (const node of tree.levels.flat()) {
      const sum = node.features.reduce((s, t) => s + (sample.tokenAttributions[t] as number), 0);
      // The same 50-step IG on the same suffix, float32 sums in another order: measured 2.2e-7 on
      // GPT-2 (attributions near 1), 2.0e-9 and less on the others.
      if (process.env['IG_MEASURE'] !== undefined) console.log(JSON.stringify({ model, gap: Math.abs(node.score - sum) }));
      expect(Math.abs(node.score - sum)).toBeLessThan(2e-6);
    }
  });
});
