import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import type * as OnnxNode from '@ig/onnx/node';
import { captumModelPath, captumPath } from '@ig/test-fixtures';
import { fixture, ig, readFloat32Npy, tempDir } from './helpers.js';

const ASSETS = fixture('..', '..', 'assets');
const smallCnn = join(ASSETS, 'small_cnn.onnx');
const sample = join(ASSETS, 'sample0.npy');

interface TreeJson {
  target: number;
  fullScore: number;
  score: string;
  forwardPasses: number;
  levels: { id: number; features: number[]; score: number; children: number[] }[][];
}

function checkNesting(tree: TreeJson, featureCount: number): void {
  tree.levels.forEach((level, k) => {
    const all = level.flatMap((n) => n.features).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: featureCount }, (_, i) => i));
    if (k === 0) return;
    const previous = new Map(tree.levels[k - 1]?.map((n) => [n.id, n]));
    for (const node of level) {
      if (previous.has(node.id)) continue;
      const union = node.children.flatMap((c) => previous.get(c)?.features ?? []).sort((a, b) => a - b);
      expect(union).toEqual(node.features);
    }
  });
  expect(tree.levels[tree.levels.length - 1]).toHaveLength(1);
}

async function modelOutputs(points: Float32Array[], shape: readonly number[]): Promise<Float32Array> {
  const onnx = (await import('@ig/onnx/node')) as typeof OnnxNode;
  const backend = await onnx.onnxBackend(new Uint8Array(readFileSync(smallCnn)));
  const data = new Float32Array(points.length * points[0]!.length);
  points.forEach((p, k) => data.set(p, k * p.length));
  const out = await backend.predict({ points: [data], pointShapes: [shape], count: points.length });
  await backend.dispose();
  return out;
}

describe('ig hierarchy', () => {
  it('occlusion on the small ONNX CNN: a nested tree whose every node scores F(x) − F(x with the node at 0)', async () => {
    const dir = tempDir('hierarchy');
    const run = ig([
      'hierarchy',
      '--model',
      smallCnn,
      '--input',
      sample,
      '--target',
      '3',
      '--sweep-dim',
      '4',
      '--json',
      join(dir, 'tree.json'),
      '--png',
      join(dir, 'tree.png'),
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/target 3: occlusion score of the whole input .*levels, \d+ groups; \d+ forward passes/);
    const tree = JSON.parse(readFileSync(join(dir, 'tree.json'), 'utf8')) as TreeJson;
    checkNesting(tree, 784);
    const x = readFloat32Npy(sample).data;
    const nodes = [...new Map(tree.levels.flat().map((n) => [n.id, n])).values()];
    const occluded = nodes.map((n) => {
      const point = Float32Array.from(x);
      for (const f of n.features) point[f] = 0;
      return point;
    });
    const outputs = await modelOutputs([x, ...occluded], [1, 28, 28]);
    const size = outputs.length / (nodes.length + 1);
    const fx = outputs[3] as number;
    nodes.forEach((n, k) => expect(n.score).toBeCloseTo(fx - (outputs[(k + 1) * size + 3] as number), 5));
    expect(tree.fullScore).toBeCloseTo(fx - (await modelOutputs([new Float32Array(784)], [1, 28, 28]))[3]!, 5);
    const png = PNG.sync.read(readFileSync(join(dir, 'tree.png')));
    expect(png.height).toBe(224);
    // panels of 224 pixels with 6-pixel gaps
    expect((png.width + 6) % 230).toBe(0);
  });

  it('cd on the small ONNX CNN: every node carries its CD score and the tree nests', async () => {
    const dir = tempDir('hierarchy-cd');
    const run = ig([
      'hierarchy',
      '--model',
      smallCnn,
      '--input',
      sample,
      '--target',
      '1',
      '--score',
      'cd',
      '--sweep-dim',
      '7',
      '--json',
      join(dir, 'tree.json'),
      '--html',
      join(dir, 'tree.html'),
    ]);
    expect(run.code, run.stderr).toBe(0);
    const tree = JSON.parse(readFileSync(join(dir, 'tree.json'), 'utf8')) as TreeJson;
    expect(tree.score).toBe('cd');
    checkNesting(tree, 784);
    const onnx = (await import('@ig/onnx/node')) as typeof OnnxNode;
    const cd = await onnx.onnxContextualDecomposition(new Uint8Array(readFileSync(smallCnn)));
    const x = readFloat32Npy(sample).data;
    const nodes = tree.levels[1] ?? [];
    const masks = new Float32Array(nodes.length * 784);
    nodes.forEach((n, k) => n.features.forEach((f) => (masks[k * 784 + f] = 1)));
    const { relevant } = await cd.decompose(x, [1, 28, 28], masks, nodes.length);
    const outputSize = relevant.length / nodes.length;
    nodes.forEach((n, k) => expect(n.score).toBeCloseTo(relevant[k * outputSize + 1] as number, 6));
    await cd.dispose();
    expect(readFileSync(join(dir, 'tree.html'), 'utf8')).toContain('<img alt="hierarchy levels" src="data:image/png;base64,');
  });

  it('a sequence input: phrases in the terminal and in an HTML table', () => {
    const dir = tempDir('hierarchy-seq');
    const run = ig([
      'hierarchy',
      '--model',
      captumModelPath('iris_mlp'),
      '--input',
      captumPath('data', 'iris_mlp', 'input_virginica_row101.npy'),
      '--tokens',
      'sepal-l sepal-w petal-l petal-w',
      '--score',
      'build-up',
      '--html',
      join(dir, 'tree.html'),
    ]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.replace(new RegExp(String.raw`\u001b\[[0-9;]*m`, 'g'), '').split('\n');
    expect(lines.find((l) => l.startsWith('0 '))).toBe('0 sepal-l sepal-w petal-l petal-w');
    expect(lines.some((l) => l.includes('[sepal-l sepal-w petal-l petal-w]'))).toBe(true);
    expect(readFileSync(join(dir, 'tree.html'), 'utf8')).toContain('<td colspan="4"');
  });

  it('cd on the TensorFlow.js Fashion-MNIST model (a Sequential layers model)', () => {
    const dir = tempDir('hierarchy-tfjs');
    const tfjs = join(ASSETS, 'fashion-mnist', 'model.json');
    const run = ig([
      'hierarchy',
      '--model',
      tfjs,
      '--input',
      join(ASSETS, 'fashion-mnist', 'sneaker.png'),
      '--labels',
      join(ASSETS, 'fashion-mnist', 'labels.txt'),
      '--score',
      'cd',
      '--sweep-dim',
      '2',
      '--json',
      join(dir, 'tree.json'),
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/target 7 \(Sneaker\): cd score/);
    const tree = JSON.parse(readFileSync(join(dir, 'tree.json'), 'utf8')) as TreeJson;
    checkNesting(tree, 784);
    expect(tree.levels[tree.levels.length - 1]?.[0]?.score).toBe(tree.fullScore);
  });

  it('refuses what it cannot do with a usage error', () => {
    const text = ig(['hierarchy', '--model', smallCnn, '--text', 'a good movie']);
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/--text needs a tokenizer: give --tokenizer FILE or put tokenizer.json next to/);
    const pngOfSequence = ig([
      'hierarchy',
      '--model',
      captumModelPath('iris_mlp'),
      '--input',
      captumPath('data', 'iris_mlp', 'input_virginica_row101.npy'),
      '--png',
      join(tempDir('x'), 't.png'),
    ]);
    expect(pngOfSequence.code).toBe(2);
    expect(pngOfSequence.stderr).toMatch(/--png draws image hierarchies/);
  });
});
