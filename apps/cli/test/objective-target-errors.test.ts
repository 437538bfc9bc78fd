/**
 * What `--target-weights` and `--target-region` refuse: files that do not fit the model's output,
 * empty masks, and combinations with --target or with an objective that needs a class. Each
 * refusal names the flag, the file and both shapes, and leaves no output behind.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodePng } from '../src/image.js';
import { formatNpy } from '../src/npy.js';
import { fixture, ig, tempDir } from './helpers.js';
import { writeNpy } from './reliability/models.js';

const seg = fixture('segmentation', 'seg.onnx');
const input = fixture('segmentation', 'seg_input.npy');
const mask = fixture('segmentation', 'region_mask.npy');
const weights = fixture('segmentation', 'seg_weights.npy');
const dir = tempDir('objective-errors');

function png(name: string, width: number, height: number, pixel: (p: number) => [number, number, number, number]): string {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set(pixel(p), 4 * p);
  const path = join(dir, name);
  writeFileSync(path, encodePng({ width, height, data }));
  return path;
}

/** Runs `ig explain` on the segmentation net, expecting a refusal with `code` and no attributions written. */
function refused(args: readonly string[], code: 1 | 2): string {
  const out = join(dir, `attr-${Math.random().toString(36).slice(2)}.npy`);
  const run = ig(['explain', '--model', seg, '--input', input, ...args, '--out', out]);
  expect(run.code).toBe(code);
  expect(existsSync(out)).toBe(false);
  expect(run.stderr).not.toMatch(/at .*\.js:\d+/); // one line, no stack trace
  return run.stderr;
}

describe('--region-mask that does not fit', () => {
  it('a .npy mask of another size names both sizes and the output shape', () => {
    const small = writeNpy(join(dir, 'small.npy'), [8, 8], new Array<number>(64).fill(1));
    expect(refused(['--target-region', '1', '--region-mask', small], 1)).toContain(
      `${small}: --region-mask is 8×8 (H×W) but the model's output [4, 16, 16] (1024 values) is 16×16 (H×W, [N, C, H, W]; --layout nhwc reads [N, H, W, C])`,
    );
  });

  it('a PNG mask of another size is refused the same way', () => {
    const wide = png('wide.png', 20, 16, () => [255, 255, 255, 255]);
    expect(refused(['--target-region', '1', '--region-mask', wide], 1)).toContain(`${wide}: --region-mask is 16×20 (H×W) but the model's output`);
  });

  it('an empty mask is an error, not a zero attribution: all-zero .npy, fully transparent or all-black PNG', () => {
    const zeros = writeNpy(join(dir, 'zeros.npy'), [16, 16], new Array<number>(256).fill(0));
    expect(refused(['--target-region', '1', '--region-mask', zeros], 1)).toContain(`${zeros}: the 16×16 mask is empty (no pixel inside)`);
    const clear = png('clear.png', 16, 16, () => [255, 255, 255, 0]);
    expect(refused(['--target-region', '1', '--region-mask', clear], 1)).toContain(`${clear}: the 16×16 mask is empty`);
    const black = png('black.png', 16, 16, () => [0, 0, 0, 255]);
    expect(refused(['--target-region', '1', '--region-mask', black], 1)).toContain(`${black}: the 16×16 mask is empty`);
  });

  it('a JPEG mask, a class past the output and an unknown label are refused', () => {
    expect(refused(['--target-region', '1', '--region-mask', join(dir, 'mask.jpg')], 2)).toMatch(
      /--region-mask .*mask\.jpg: expected a \.npy array \[H, W\] or a PNG/,
    );
    expect(refused(['--target-region', '4', '--region-mask', mask], 2)).toContain('--target-region 4 is out of range: the output has 4 classes (0–3)');
    const labels = join(dir, 'labels.txt');
    writeFileSync(labels, 'a\nb\nc\nd\n');
    expect(refused(['--target-region', 'tree', '--labels', labels, '--region-mask', mask], 2)).toContain(
      "--target-region 'tree' is not one of the labels (a, b, c, d)",
    );
  });

  it('a model whose output is not dense [N, C, H, W] is refused naming its output', () => {
    const run = ig([
      'explain',
      '--model',
      fixture('segmentation', 'regress.onnx'),
      '--input',
      fixture('segmentation', 'regress_input.npy'),
      '--target-region',
      '0',
      '--region-mask',
      mask,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--target-region needs a dense output [N, C, H, W]; the model's output per example is [3] (3 values)");
  });
});

describe('--target-weights that do not fit', () => {
  it('weights of another shape name the file, its shape and the output shape', () => {
    const wrong = writeNpy(join(dir, 'w-wrong.npy'), [4, 16], new Array<number>(64).fill(1));
    expect(refused(['--target-weights', wrong], 1)).toContain(
      `${wrong}: --target-weights has shape [4, 16] (64 values) but one example's output is [4, 16, 16] (1024 values); give weights shaped [4, 16, 16] or [1, 4, 16, 16]`,
    );
    const transposed = writeNpy(join(dir, 'w-hwc.npy'), [16, 16, 4], new Array<number>(1024).fill(1));
    expect(refused(['--target-weights', transposed], 1)).toContain(`${transposed}: --target-weights has shape [16, 16, 4] (1024 values)`);
  });

  it('a missing file is named', () => {
    const missing = join(dir, 'nowhere.npy');
    expect(refused(['--target-weights', missing], 1)).toContain(`--target-weights ${missing} does not exist`);
    expect(refused(['--target-region', '0', '--region-mask', join(dir, 'nowhere.png')], 1)).toContain(
      `--region-mask ${join(dir, 'nowhere.png')} does not exist`,
    );
  });

  it('integer, non-finite and all-zero weights are refused', () => {
    const ints = join(dir, 'w-int.npy');
    writeFileSync(ints, formatNpy(new BigInt64Array(1024).fill(1n), [4, 16, 16]));
    expect(refused(['--target-weights', ints], 1)).toContain(`${ints}: holds int64 values; --target-weights takes a float32 or float64 .npy`);
    const nan = writeNpy(
      join(dir, 'w-nan.npy'),
      [4, 16, 16],
      Array.from({ length: 1024 }, (_, i) => (i === 7 ? NaN : 1)),
    );
    expect(refused(['--target-weights', nan], 1)).toContain(`${nan}: weight NaN at flat index 7`);
    const zero = writeNpy(join(dir, 'w-zero.npy'), [4, 16, 16], new Array<number>(1024).fill(0));
    expect(refused(['--target-weights', zero], 1)).toContain(`${zero}: every weight of the [4, 16, 16] array is 0`);
  });
});

describe('combinations that are refused (exit 2)', () => {
  it('with --target', () => {
    expect(refused(['--target-weights', weights, '--target', '1'], 2)).toContain('--target-weights defines what is explained; drop --target 1');
    expect(refused(['--target-region', '1', '--region-mask', mask, '--target', 'auto'], 2)).toContain(
      '--target-region defines what is explained; drop --target auto',
    );
  });

  it('with an objective other than the linear read-out', () => {
    expect(refused(['--target-weights', weights, '--objective', 'probability'], 2)).toContain(
      "--target-weights explains a weighted sum of the outputs (--objective logit); --objective probability takes one softmax over all of an example's outputs",
    );
    expect(refused(['--target-region', '1', '--region-mask', mask, '--objective', 'log-probability'], 2)).toContain(
      '--objective log-probability takes one softmax',
    );
    expect(refused(['--target-region', '1', '--region-mask', mask, '--objective', 'margin'], 2)).toContain(
      '--objective margin compares one class with the runner-up',
    );
  });

  it('with each other, and a region flag without its partner', () => {
    expect(refused(['--target-weights', weights, '--target-region', '1', '--region-mask', mask], 2)).toContain(
      'give either --target-weights or --target-region, not both',
    );
    expect(refused(['--region-mask', mask], 2)).toContain('--region-mask goes with --target-region CLASS');
    expect(refused(['--target-region', '1'], 2)).toContain('--target-region needs --region-mask FILE');
  });

  it('with --text', () => {
    const run = ig(['explain', '--model', seg, '--text', 'hello', '--target-weights', weights]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--target-weights explains a float tensor input');
  });
});
