import { join } from 'node:path';
import { decodeModel } from '@ig/onnx';
import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ig, tempDir } from '../helpers.js';
import { imageOnnx } from './models.js';

const dimsOf = (path: string, input: string): (string | number)[] => {
  const model = decodeModel(readFileSync(path));
  const info = model.graph?.input?.find((i) => i.name === input);
  return (info?.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue)));
};

describe('ig grad-graph on a model with free dimensions', () => {
  it('refuses to guess the free height and width, naming them and the flag', () => {
    const dir = tempDir('grad-free');
    const run = ig(['grad-graph', imageOnnx(join(dir, 'm.onnx')), '-o', join(dir, 'g.onnx')]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      "error: input 'x' has free dimensions (H at axis 2, W at axis 3); the gradient graph is built for one size: pass --input-shape x=1,3,d,d",
    );
    expect(run.stdout).toBe('');
  });

  it('with --input-shape builds the graph for that size, writes it into the inputs, and its gradient is right', async () => {
    const dir = tempDir('grad-shape');
    const out = join(dir, 'g.onnx');
    const run = ig(['grad-graph', imageOnnx(join(dir, 'm.onnx')), '-o', out, '--input-shape', 'x=1,3,4,5']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(dimsOf(out, 'x')).toEqual([1, 3, 4, 5]);
    const x = Float32Array.from({ length: 60 }, (_, i) => Math.sin(i) * 2);
    const session = await ort.InferenceSession.create(out);
    const seed = Float32Array.from([1, -2, 0.5]);
    const result = await session.run({ x: new ort.Tensor('float32', x, [1, 3, 4, 5]), ig_seed: new ort.Tensor('float32', seed, [1, 3]) });
    const gradient = result['ig_grad_x']?.data as Float32Array;
    // y_c = mean over 20 pixels of relu(x): ∂(Σ seed_c y_c)/∂x = seed_c / 20 where x > 0, else 0.
    const expected = Array.from(x, (v, i) => (v > 0 ? (seed[Math.floor(i / 20)] as number) / 20 : 0));
    gradient.forEach((g, i) => expect(g).toBeCloseTo(expected[i] as number, 7));
    await session.release();
  });

  it('rejects an --input-shape that contradicts a fixed dimension', () => {
    const dir = tempDir('grad-clash');
    const run = ig(['grad-graph', imageOnnx(join(dir, 'm.onnx'), 8, 8), '-o', join(dir, 'g.onnx'), '--input-shape', '1,3,4,4']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--input-shape x=1,3,4,4 does not fit the model's input 'x' of shape \[N, 3, 8, 8\]/);
  });
});
