import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type * as OnnxNode from '@ig/onnx/node';
import { fixture, ig, readFloat32Npy, tempDir } from './helpers.js';

// A narrow torchvision MobileNetV3-Small at opset 17 (fixtures/cd-mobilenet/make_model.py):
// HardSwish, Hardsigmoid-gated squeeze-excitation and Conv biases shared through Identity nodes.
const model = fixture('cd-mobilenet', 'model.onnx');
const input = fixture('cd-mobilenet', 'input.npy');
const FEATURES = 3 * 32 * 32;

interface TreeJson {
  target: number;
  score: string;
  levels: { id: number; features: number[]; score: number; children: number[] }[][];
}

describe('ig hierarchy --score cd on a MobileNetV3', () => {
  it('builds the tree; each group scores its relevant part, and the parts add up to the logit', async () => {
    const dir = tempDir('hierarchy-cd-mobilenet');
    const run = ig([
      'hierarchy',
      '--model',
      model,
      '--input',
      input,
      '--score',
      'cd',
      '--sweep-dim',
      '4',
      '--iterations',
      '3',
      '--no-cache',
      '--json',
      join(dir, 'tree.json'),
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/cd score of the whole input/);
    const tree = JSON.parse(readFileSync(join(dir, 'tree.json'), 'utf8')) as TreeJson;
    expect(tree.score).toBe('cd');
    const onnx = (await import('@ig/onnx/node')) as typeof OnnxNode;
    const bytes = new Uint8Array(readFileSync(model));
    expect(onnx.inspect(bytes).contextualDecompositionCoverage.supported).toEqual(expect.arrayContaining(['HardSigmoid', 'HardSwish', 'Mul']));
    const x = readFloat32Npy(input).data;
    const groups = tree.levels.flat().filter((n) => n.features.length < FEATURES);
    expect(groups.length).toBeGreaterThan(3);
    const masks = new Float32Array(groups.length * FEATURES);
    groups.forEach((n, k) => n.features.forEach((f) => (masks[k * FEATURES + f] = 1)));
    const cd = await onnx.onnxContextualDecomposition(bytes);
    const { relevant, irrelevant } = await cd.decompose(x, [3, 32, 32], masks, groups.length);
    await cd.dispose();
    const session = await onnx.runtime.InferenceSession.create(bytes);
    const logits = (await session.run({ input: new onnx.runtime.Tensor('float32', x, [1, 3, 32, 32]) })).logits?.data as Float32Array;
    let worst = 0;
    groups.forEach((n, k) => {
      // the CLI and this run evaluate the same graph on the same masks
      expect(Math.abs(n.score - (relevant[k * 10 + tree.target] as number))).toBeLessThan(1e-6);
      for (let j = 0; j < 10; j++) {
        worst = Math.max(worst, Math.abs((relevant[k * 10 + j] as number) + (irrelevant[k * 10 + j] as number) - (logits[j] as number)));
      }
    });
    // the identity through ~120 rewritten nodes: measured 1.1e-5 with parts up to 4.2 and logits
    // up to 2.7, the float32 rounding each part gathers on its own
    expect(worst).toBeLessThan(5e-5);
  });
});
