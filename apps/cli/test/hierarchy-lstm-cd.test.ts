import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, ig, tempDir } from './helpers.js';

// A seeded Embedding → LSTM → Linear sentiment model (ACD's text model, forward LSTM) with a
// WordPiece tokenizer, and acd's cd_text for every contiguous phrase of one text: written by
// packages/onnx/test/fixtures/cd-lstm/make_reference.py.
const model = fixture('cd-lstm', 'model.onnx');
interface Reference {
  readonly text: string;
  readonly logits: number[];
  readonly phrases: { start: number; stop: number; relevant: number[] }[];
}
const reference = JSON.parse(readFileSync(fixture('cd-lstm', 'reference.json'), 'utf8')) as Reference;

interface Tree {
  target: number;
  fullScore: number;
  score: string;
  tokens: string[];
  levels: { id: number; features: number[]; score: number }[][];
}

/** Runs the CD hierarchy of `path` for both targets and checks every node against cd_text. */
function expectCdText(path: string, dir: string): void {
  for (const target of [0, 1]) {
    const out = join(dir, `tree-${target}.json`);
    const result = ig([
      'hierarchy',
      '--model',
      path,
      '--tokenizer',
      fixture('cd-lstm', 'tokenizer.json'),
      '--text',
      reference.text,
      '--score',
      'cd',
      '--target',
      String(target),
      '--json',
      out,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const tree = JSON.parse(readFileSync(out, 'utf8')) as Tree;
    expect(tree.score).toBe('cd');
    expect(tree.tokens).toEqual(reference.text.split(' '));
    expect(tree.fullScore).toBeCloseTo(reference.logits[target] as number, 6);
    const nodes = tree.levels.flat();
    expect(nodes.length).toBeGreaterThan(reference.text.split(' ').length);
    for (const node of nodes) {
      const features = [...node.features].sort((a, b) => a - b);
      const start = features[0] as number;
      const stop = features[features.length - 1] as number;
      expect(features).toEqual(Array.from({ length: stop - start + 1 }, (_, k) => start + k));
      const phrase = reference.phrases.find((p) => p.start === start && p.stop === stop);
      // float32 against cd_text in float64 (its Linear bias split in float32): measured ≤ 1.2e-7.
      expect(Math.abs(node.score - (phrase?.relevant[target] as number))).toBeLessThan(1e-6);
    }
  }
}

describe('ig hierarchy --text --score cd on an LSTM', () => {
  it("scores every phrase with acd's cd_text (relevant logit of the target)", () => {
    expectCdText(model, tempDir('hierarchy-lstm-cd'));
  });

  it('scores the same on exports with a fixed batch of 1, with and without their intermediate shapes', () => {
    // With its shapes stated, onnxruntime fixed the LSTM's initial state (Expand of a Shape) at
    // batch 1 and refused the batch of masks; without them, the sequence length went unread.
    expectCdText(fixture('cd-lstm', 'fixed-batch-shapes.onnx'), tempDir('hierarchy-lstm-cd-fixed-shapes'));
    expectCdText(fixture('cd-lstm', 'fixed-batch.onnx'), tempDir('hierarchy-lstm-cd-fixed'));
  });

  it('on a shorter text, padded to the model length, says the root is the whole text with the padding irrelevant', () => {
    const dir = tempDir('hierarchy-lstm-cd-padded');
    const text = reference.text.split(' ').slice(0, 3).join(' ');
    const out = join(dir, 'tree.json');
    const run = ig(['hierarchy', '--model', model, '--text', text, '--score', 'cd', '--target', '1', '--json', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("cd score of the whole text (other positions' share irrelevant)");
    const explain = ig(['explain', '--model', model, '--text', text, '--target', '1', '--json', join(dir, 'r.json')]);
    expect(explain.code, explain.stderr).toBe(0);
    const fInput = (JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { samples: { fInput: number }[] }).samples[0]?.fInput as number;
    // The padding's share stays in the irrelevant part, so the root is not the logit here.
    expect(Math.abs((JSON.parse(readFileSync(out, 'utf8')) as Tree).fullScore - fInput)).toBeGreaterThan(1e-3);
  });
});
