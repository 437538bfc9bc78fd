/**
 * `--target-region` on a channels-last output [N, H, W, C]: y[h, w, c] = Σₖ x[h, w, k]·W[k, c] + b[c]
 * (a per-pixel linear map, MatMul over the last axis). The region objective Σ_{(h, w) ∈ mask} y[h, w, c]
 * is linear, so from a zero baseline its attributions are exactly x[h, w, k]·W[k, c] inside the mask
 * and 0 outside, and F(x) − F(0) is their sum.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ig, readFloat32Npy, tempDir } from './helpers.js';
import { writeNpy, writeOnnxModel } from './reliability/models.js';

const [H, W, CHANNELS, CLASSES] = [5, 6, 3, 4];
const matrix = Array.from({ length: CHANNELS * CLASSES }, (_, i) => ((i * 29) % 13) / 6 - 1);
const bias = [0.2, -0.1, 0.4, -0.3];
const input = Array.from({ length: H * W * CHANNELS }, (_, i) => ((i * 31) % 19) / 9 - 1);
const inside = Array.from({ length: H * W }, (_, p) => (p % 4 === 1 || p === 17 ? 1 : 0));

describe('--target-region on an [N, H, W, C] output', () => {
  const dir = tempDir('objective-nhwc');
  const model = writeOnnxModel(join(dir, 'nhwc.onnx'), {
    inputs: { x: [1, H, W, CHANNELS] },
    outputs: ['y'],
    outputShapes: { y: [1, H, W, CLASSES] },
    nodes: [
      { op: 'MatMul', inputs: ['x', 'w'], outputs: ['z'] },
      { op: 'Add', inputs: ['z', 'b'], outputs: ['y'] },
    ],
    constants: { w: { dims: [CHANNELS, CLASSES], values: matrix }, b: { dims: [CLASSES], values: bias } },
  });
  const x = writeNpy(join(dir, 'x.npy'), [1, H, W, CHANNELS], input);
  const mask = writeNpy(join(dir, 'mask.npy'), [H, W], inside);
  const cls = 3;
  const want = input.map((v, i) => {
    const [pixel, k] = [Math.floor(i / CHANNELS), i % CHANNELS];
    return inside[pixel] === 1 ? v * (matrix[k * CLASSES + cls] as number) : 0;
  });

  for (const layout of [[], ['--layout', 'nhwc']]) {
    it(`${layout.length === 0 ? 'the layout inferred from the [1, H, W, 3] input' : '--layout nhwc'}: W[k, c]·x inside the mask, 0 outside`, () => {
      const out = join(dir, `attr${layout.length}.npy`);
      const report = join(dir, `report${layout.length}.json`);
      const run = ig([
        'explain',
        '--model',
        model,
        '--input',
        x,
        ...layout,
        '--target-region',
        String(cls),
        '--region-mask',
        mask,
        '--out',
        out,
        '--json',
        report,
        '--quiet',
      ]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const got = readFloat32Npy(out);
      expect(got.shape).toEqual([1, H, W, CHANNELS]);
      // a linear model: float32 rounding of the products only
      got.data.forEach((v, i) => expect(v).toBeCloseTo(want[i] as number, 6));
      const json = JSON.parse(readFileSync(report, 'utf8')) as { target: unknown; fInput: number; fBaseline: number };
      const pixels = inside.reduce<number>((s, v) => s + v, 0);
      expect(json.target).toEqual({ kind: 'region', class: cls, mask, pixels, outputShape: [H, W, CLASSES], layout: 'nhwc' });
      expect(json.fBaseline).toBeCloseTo(pixels * (bias[cls] as number), 5);
      expect(json.fInput - json.fBaseline).toBeCloseTo(
        want.reduce((s, v) => s + v, 0),
        5,
      );
    });
  }

  it('--algorithm saliency differentiates the same objective: W[k, c] inside the mask, 0 outside', () => {
    const out = join(dir, 'saliency.npy');
    const run = ig([
      'explain',
      '--model',
      model,
      '--input',
      x,
      '--algorithm',
      'saliency',
      '--target-region',
      String(cls),
      '--region-mask',
      mask,
      '--out',
      out,
      '--quiet',
    ]);
    expect(run.code).toBe(0);
    readFloat32Npy(out).data.forEach((v, i) => {
      const [pixel, k] = [Math.floor(i / CHANNELS), i % CHANNELS];
      expect(v).toBeCloseTo(inside[pixel] === 1 ? (matrix[k * CLASSES + cls] as number) : 0, 6);
    });
  });

  it('--layout nchw is refused for the [N, H, W, C] input as for an image, before the output is read by it', () => {
    const run = ig(['explain', '--model', model, '--input', x, '--layout', 'nchw', '--target-region', '0', '--region-mask', mask]);
    expect(run.code).toBe(2);
    // (The region mask's own error under a wrong --layout: objective-target-errors.test.ts.)
    expect(run.stderr).toContain('--layout nchw reads the model input [1, 5, 6, 3] as 5 channels on axis 1; its axis 3 holds 3: use --layout nhwc');
  });
});
