import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as OnnxNode from '@ig/onnx/node';
import * as ortNode from 'onnxruntime-node';
import { readNpy } from '@ig/test-fixtures';
import { ig, tempDir } from './helpers.js';
import { writeNpy } from './reliability/models.js';

// A squeeze-excitation CNN with SiLU (packages/onnx/test/fixtures/architectures): onnxruntime's
// 'extended' optimizations fuse its Conv + Sigmoid into FusedConv and x·sigmoid(x) into QuickGelu.
const ARCHITECTURES = fileURLToPath(new URL('../../../packages/onnx/test/fixtures/architectures/', import.meta.url));
const original = join(ARCHITECTURES, 'se_silu-opset13.onnx');

interface TreeJson {
  score: string;
  fullScore: number;
  levels: { features: number[]; score: number }[][];
}

function tree(model: string, input: string, out: string): TreeJson {
  const args = ['hierarchy', '--model', model, '--input', input, '--target', '0', '--score', 'cd', '--sweep-dim', '4', '--iterations', '2', '--no-cache'];
  const run = ig([...args, '--json', out]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(readFileSync(out, 'utf8')) as TreeJson;
}

describe("ig hierarchy --score cd on a model saved by onnxruntime's graph optimizer", () => {
  it('gives the scores of the original model', async () => {
    const dir = tempDir('hierarchy-cd-optimized');
    const optimized = join(dir, 'optimized.onnx');
    const onnx = (await import('@ig/onnx/node')) as typeof OnnxNode;
    const session = await ortNode.InferenceSession.create(original, {
      graphOptimizationLevel: 'extended',
      optimizedModelFilePath: optimized,
      executionProviders: ['cpu'],
    });
    await session.release();
    const ops = Object.keys(onnx.inspect(new Uint8Array(readFileSync(optimized))).ops);
    expect(ops).toEqual(expect.arrayContaining(['com.microsoft.FusedConv', 'com.microsoft.QuickGelu']));
    const points = readNpy(join(ARCHITECTURES, 'se_silu.input.npy'));
    const shape = [1, ...points.shape.slice(1)];
    const input = writeNpy(join(dir, 'input.npy'), shape, Array.from(points.data.slice(0, 3 * 16 * 16)));
    const want = tree(original, input, join(dir, 'original.json'));
    const got = tree(optimized, input, join(dir, 'optimized.json'));
    expect(got.score).toBe('cd');
    expect(got.levels.map((level) => level.map((node) => node.features))).toEqual(want.levels.map((level) => level.map((node) => node.features)));
    expect(want.levels.flat().length).toBeGreaterThan(3);
    // Measured 0: the decomposed graphs run the same ops.
    expect(Math.abs(got.fullScore - want.fullScore)).toBeLessThanOrEqual(1e-7);
    want.levels.flat().forEach((node, k) => expect(Math.abs((got.levels.flat()[k]?.score ?? NaN) - node.score)).toBeLessThanOrEqual(1e-7));
  });
});
