import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as OnnxNode from '@ig/onnx/node';
import { ig, tempDir } from './helpers.js';

const TEXT_ASSETS = fileURLToPath(new URL('../assets/text/', import.meta.url));
const model = join(TEXT_ASSETS, 'spam.onnx');
const text = 'Click here to claim your FREE prize now, limited offer for our customers only';
const MAX_LENGTH = 128;

interface Node {
  id: number;
  features: number[];
  score: number;
  children: number[];
}
interface TextTree {
  text: string;
  target: number;
  fullScore: number;
  score: string;
  tokens: string[];
  levels: Node[][];
}

/** Every level covers each token exactly once; a new node is the union of its children; one root. */
function checkNesting(tree: TextTree): void {
  const all = Array.from({ length: tree.tokens.length }, (_, i) => i);
  tree.levels.forEach((level, k) => {
    expect(level.flatMap((n) => n.features).sort((a, b) => a - b)).toEqual(all);
    if (k === 0) return;
    const previous = new Map(tree.levels[k - 1]?.map((n) => [n.id, n]));
    for (const node of level) {
      if (previous.has(node.id)) continue;
      expect(node.children.flatMap((c) => previous.get(c)?.features ?? []).sort((a, b) => a - b)).toEqual(node.features);
    }
  });
  expect(tree.levels[tree.levels.length - 1]).toHaveLength(1);
}

const nodesOf = (tree: TextTree): Node[] => [...new Map(tree.levels.flat().map((n) => [n.id, n])).values()];

/** The spam model's logits for rows of token ids (the attention mask: 1 on the first `real` positions), run directly. */
async function logits(rows: readonly number[][], real: number): Promise<Float32Array> {
  const onnx = (await import('@ig/onnx/node')) as typeof OnnxNode;
  const ort = onnx.runtime as unknown as {
    InferenceSession: { create(path: string): Promise<{ run(feeds: object): Promise<Record<string, { data: Float32Array }>>; release(): Promise<void> }> };
    Tensor: new (type: string, data: BigInt64Array, dims: number[]) => object;
  };
  const session = await ort.InferenceSession.create(model);
  const ids = BigInt64Array.from(rows.flat(), (v) => BigInt(v));
  const mask = BigInt64Array.from({ length: rows.length * MAX_LENGTH }, (_, i) => (i % MAX_LENGTH < real ? 1n : 0n));
  const out = await session.run({
    input_ids: new ort.Tensor('int64', ids, [rows.length, MAX_LENGTH]),
    attention_mask: new ort.Tensor('int64', mask, [rows.length, MAX_LENGTH]),
  });
  await session.release();
  return out['logits']?.data as Float32Array;
}

function run(args: readonly string[], dir: string, name: string): TextTree {
  const result = ig(['hierarchy', '--model', model, '--text', text, '--json', join(dir, name), ...args]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(readFileSync(join(dir, name), 'utf8')) as TextTree;
}

describe('ig hierarchy --text on the spam classifier', () => {
  it('occlusion and build-up: every node scores exactly what the model gives with its tokens replaced by the baseline id', async () => {
    const dir = tempDir('hierarchy-text');
    const explained = ig(['explain', '--model', model, '--text', text, '--target', '1', '--json', join(dir, 'explain.json')]);
    expect(explained.code, explained.stderr).toBe(0);
    const tokens = (JSON.parse(readFileSync(join(dir, 'explain.json'), 'utf8')) as { samples: { tokens: string[] }[] }).samples[0]?.tokens ?? [];
    const tokenizer = JSON.parse(readFileSync(join(TEXT_ASSETS, 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } };
    const ids = tokens.map((t) => tokenizer.model.vocab[t] as number);
    const unk = tokenizer.model.vocab['[UNK]'] as number;
    const padded = (row: number[]): number[] => [...row, ...new Array<number>(MAX_LENGTH - row.length).fill(0)];
    for (const [score, baseline] of [
      ['occlusion', 0],
      ['build-up', unk],
    ] as const) {
      const tree = run(
        ['--target', '1', '--score', score, '--percentile-include', '80', ...(baseline === unk ? ['--baseline-token', '[UNK]'] : [])],
        dir,
        `${score}.json`,
      );
      expect(tree.tokens).toEqual(tokens);
      checkNesting(tree);
      const nodes = nodesOf(tree);
      const rows = nodes.map((n) => padded(ids.map((id, t) => (n.features.includes(t) === (score === 'occlusion') ? baseline : id))));
      const out = await logits([padded(ids), padded(ids.map(() => baseline)), ...rows], ids.length);
      const fx = out[1] as number;
      nodes.forEach((n, k) => {
        const direct = out[2 * (k + 2) + 1] as number;
        // The same float32 graph on the same ids (measured: identical); the bound is one ulp of a logit near 10.
        expect(Math.abs(n.score - (score === 'occlusion' ? fx - direct : direct))).toBeLessThan(2e-6);
      });
      expect(Math.abs(tree.fullScore - (score === 'occlusion' ? fx - (out[3] as number) : fx))).toBeLessThan(2e-6);
    }
  });

  it('integrated-gradients: each node is the sum of explain --text token attributions; cd: the tree nests, the root is the whole text', () => {
    const dir = tempDir('hierarchy-text-ig');
    const explained = ig(['explain', '--model', model, '--text', text, '--target', '1', '--json', join(dir, 'explain.json')]);
    expect(explained.code, explained.stderr).toBe(0);
    const perToken =
      (JSON.parse(readFileSync(join(dir, 'explain.json'), 'utf8')) as { samples: { tokenAttributions: number[] }[] }).samples[0]?.tokenAttributions ?? [];
    const tree = run(['--target', '1', '--score', 'integrated-gradients', '--sweep-dim', '2'], dir, 'ig.json');
    checkNesting(tree);
    for (const node of nodesOf(tree)) {
      const sum = node.features.reduce((s, t) => s + (perToken[t] as number), 0);
      // The same IG-50 run on the same suffix; float32 sums in another order: measured ≤ 1.0e-7.
      expect(Math.abs(node.score - sum)).toBeLessThan(1e-6);
    }
    const cd = run(['--target', 'spam', '--labels', join(TEXT_ASSETS, 'labels.txt'), '--score', 'cd', '--html', join(dir, 'cd.html')], dir, 'cd.json');
    expect(cd.score).toBe('cd');
    expect(cd.target).toBe(1);
    checkNesting(cd);
    const root = nodesOf(cd).find((n) => n.features.length === cd.tokens.length);
    expect(root?.score).toBeCloseTo(cd.fullScore, 5);
    const html = readFileSync(join(dir, 'cd.html'), 'utf8');
    for (const token of ['click', 'prize', 'customers']) expect(html).toContain(token);
  });

  it('refuses a too-long, an empty text and a bad baseline token with the errors of explain --text', () => {
    const long = 'free money '.repeat(100);
    const tooLong = ig(['hierarchy', '--model', model, '--text', long, '--too-long', 'error']);
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toContain('error: the text has 200 tokens; the model takes at most 128');
    const empty = ig(['hierarchy', '--model', model, '--text', '   ']);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/error: the text has no tokens \(it is empty\)/);
    const token = ig(['hierarchy', '--model', model, '--text', 'hello', '--baseline-token', '[MASK]']);
    expect(token.code).toBe(2);
    expect(token.stderr).toMatch(/--baseline-token \[MASK\] is not in the vocabulary/);
    const both = ig(['hierarchy', '--model', model, '--text', 'hello', '--input', 'x.npy']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/either --input or --text/);
    const png = ig(['hierarchy', '--model', model, '--text', 'hello', '--png', 'x.png']);
    expect(png.code).toBe(2);
    expect(png.stderr).toMatch(/--png is for tensor inputs; with --text use --html and --json/);
  });
});
