/**
 * `--target-weights` on a model with two inputs (`--input a=… --input b=…`): y = a + b, [N, 3].
 * The objective Σ wⱼ·yⱼ is linear, so from zero baselines a's attributions are wⱼ·aⱼ and b's wⱼ·bⱼ.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ig, readFloat32Npy, tempDir } from './helpers.js';
import { twoInputOnnx, writeNpy } from './reliability/models.js';

describe('--target-weights with several model inputs', () => {
  it('attributes Σ w·(a + b) to both inputs', () => {
    const dir = tempDir('objective-named');
    const model = twoInputOnnx(join(dir, 'two.onnx'));
    const [a, b, w] = [
      [0.5, -1.5, 2],
      [1, 0.25, -3],
      [2, -0.5, 1.5],
    ];
    const files = { a: writeNpy(join(dir, 'a.npy'), [1, 3], a), b: writeNpy(join(dir, 'b.npy'), [1, 3], b), w: writeNpy(join(dir, 'w.npy'), [1, 3], w) };
    const out = join(dir, 'attr.npy');
    const report = join(dir, 'report.json');
    const run = ig([
      'explain',
      '--model',
      model,
      '--input',
      `a=${files.a}`,
      '--input',
      `b=${files.b}`,
      '--target-weights',
      files.w,
      '--out',
      out,
      '--json',
      report,
      '--quiet',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    Array.from(readFloat32Npy(join(dir, 'attr-a.npy')).data).forEach((v, j) => expect(v).toBeCloseTo((w[j] as number) * (a[j] as number), 6));
    Array.from(readFloat32Npy(join(dir, 'attr-b.npy')).data).forEach((v, j) => expect(v).toBeCloseTo((w[j] as number) * (b[j] as number), 6));
    const json = JSON.parse(readFileSync(report, 'utf8')) as { target: unknown; fInput: number };
    expect(json.target).toEqual({ kind: 'weights', file: files.w, shape: [1, 3] });
    expect(json.fInput).toBeCloseTo(
      w.reduce((s, wj, j) => s + wj * ((a[j] as number) + (b[j] as number)), 0),
      5,
    );
  });
});
