import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixture, ig, tempDir } from './helpers.js';
import { writeNpy } from './reliability/models.js';

// Seeded LLaMA-style, ViT, Swin and GroupNorm models with torch's logits: written by
// packages/onnx/test/fixtures/cd-families/make.py.
const FAMILIES = fileURLToPath(new URL('../../../packages/onnx/test/fixtures/cd-families/', import.meta.url));

interface FamilyCase {
  readonly inputShape: number[];
  readonly input: number[];
  readonly target: number;
  readonly logits: number[];
}
const reference = JSON.parse(readFileSync(join(FAMILIES, 'references.json'), 'utf8')) as { cases: Record<string, FamilyCase> };

interface Tree {
  score: string;
  fullScore: number;
  levels: { features: number[]; score: number }[][];
}

function hierarchy(args: readonly string[], out: string): Tree {
  const result = ig(['hierarchy', ...args, '--score', 'cd', '--json', out]);
  expect(result.code, result.stderr).toBe(0);
  const tree = JSON.parse(readFileSync(out, 'utf8')) as Tree;
  expect(tree.score).toBe('cd');
  expect(tree.levels.flat().length).toBeGreaterThan(1);
  expect(tree.levels.flat().every((node) => Number.isFinite(node.score))).toBe(true);
  return tree;
}

describe('ig hierarchy --score cd on transformer and GroupNorm families', () => {
  // ViT's full-input score is not its logit: the class token, a constant, is irrelevant.
  it.each([
    ['swin-opset17.onnx', 'swin', true],
    ['vit-opset17.onnx', 'vit', false],
    ['groupnorm-opset14.onnx', 'groupnorm', true],
  ] as const)('%s', (file, name, fullIsLogit) => {
    const c = reference.cases[name] as FamilyCase;
    const dir = tempDir(`hierarchy-cd-${name}`);
    const input = writeNpy(join(dir, 'input.npy'), c.inputShape, c.input);
    const tree = hierarchy(
      ['--model', join(FAMILIES, file), '--input', input, '--target', String(c.target), '--sweep-dim', '8', '--iterations', '2'],
      join(dir, 'tree.json'),
    );
    // The whole input relevant: rel = the logit but for the rounding of whole − rel (measured ≤ 6.1e-8, swin).
    if (fullIsLogit) expect(Math.abs(tree.fullScore - (c.logits[c.target] as number))).toBeLessThan(3e-7);
  });

  it('llama-opset14.onnx with --text (RMSNorm, SwiGLU, rotary embeddings)', () => {
    const dir = tempDir('hierarchy-cd-llama');
    // the WordPiece fixture's rules with the model's 16-token vocabulary; [CLS] five words [SEP] fill its 7 positions
    const tokenizer = JSON.parse(readFileSync(fixture('text_models', 'wordpiece.json'), 'utf8')) as { model: { vocab: Record<string, number> } };
    const words = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'cat', 'sat', 'on', 'mat', 'dog', 'ran', 'far', 'a', 'red', 'hat'];
    tokenizer.model.vocab = Object.fromEntries(words.map((w, i) => [w, i]));
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
    const args = ['--model', join(FAMILIES, 'llama-opset14.onnx'), '--tokenizer', join(dir, 'tokenizer.json'), '--text', 'the cat sat on mat', '--target', '4'];
    hierarchy(args, join(dir, 'tree.json'));
  });
});
