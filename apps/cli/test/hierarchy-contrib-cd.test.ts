import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixture, ig, tempDir } from './helpers.js';

// One BERT-like classifier written with onnxruntime's contrib ops (EmbedLayerNormalization,
// Attention) and with standard ops, same weights: packages/onnx/scripts/contrib_transformer.py.
const FIXTURES = fileURLToPath(new URL('../../../packages/onnx/test/fixtures/contrib-transformer/', import.meta.url));
const TOKENIZER = join(fixture('text_models'), 'wordpiece.json');

interface Tree {
  fullScore: number;
  tokens: string[];
  levels: { features: number[]; score: number }[][];
}

function hierarchy(name: string): Tree {
  const out = join(tempDir('hierarchy-contrib-cd'), `${name}.json`);
  const model = join(FIXTURES, `${name}.onnx`);
  const result = ig([
    'hierarchy',
    '--model',
    model,
    '--tokenizer',
    TOKENIZER,
    '--text',
    'the movie was great fun',
    '--score',
    'cd',
    '--target',
    '1',
    '--json',
    out,
    '--no-cache',
  ]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(readFileSync(out, 'utf8')) as Tree;
}

describe('ig hierarchy --text --score cd on a model holding onnxruntime contrib ops', () => {
  it('gives the tree and scores of the standard-ops model (EmbedLayerNormalization and com.microsoft.Attention)', () => {
    const [fused, plain] = [hierarchy('contrib'), hierarchy('standard')];
    expect(fused.tokens).toEqual(plain.tokens);
    expect(fused.levels.map((level) => level.map((n) => n.features))).toEqual(plain.levels.map((level) => level.map((n) => n.features)));
    const scale = Math.max(...plain.levels.flat().map((n) => Math.abs(n.score)));
    expect(scale).toBeGreaterThan(0.1);
    // Measured 0: the decomposed graphs run the same ops; the bound allows sums in another order.
    fused.levels.flat().forEach((n, i) => expect(Math.abs(n.score - (plain.levels.flat()[i]?.score as number))).toBeLessThan(1e-6 * scale));
    expect(Math.abs(fused.fullScore - plain.fullScore)).toBeLessThan(1e-6 * Math.abs(plain.fullScore));
  });
});
