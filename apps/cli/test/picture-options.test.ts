import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { captumPath } from '@ig/test-fixtures';
import { formatNpy } from '../src/npy.js';
import { ig, readFloat32Npy, tempDir } from './helpers.js';

const model = join(fileURLToPath(new URL('../assets/', import.meta.url)), 'small_cnn.onnx');
const dir = tempDir('picture-options');
const input = captumPath('data', 'small_cnn', 'input0.npy');
const explain = (flags: readonly string[]) => ['explain', '--model', model, '--input', input, '--target', '3', '--steps', '4', ...flags];

describe('picture options that cannot draw, or that the method would not read, are refused before any work', () => {
  const heatmap = join(dir, 'h.png');
  it.each([
    [
      'masked_image of both signs',
      ['--heatmap', heatmap, '--heatmap-method', 'masked_image'],
      /--heatmap-method masked_image shows one sign; add --sign positive/,
    ],
    [
      '--sign with polarity',
      ['--heatmap', heatmap, '--heatmap-method', 'polarity', '--sign', 'positive'],
      /--sign chooses what the other heatmap methods show/,
    ],
    ['--polarity with overlay', ['--heatmap', heatmap, '--polarity', 'positive'], /--polarity is an option of --heatmap-method polarity, not overlay/],
    [
      '--clip-below above --clip-above',
      ['--heatmap', heatmap, '--heatmap-method', 'polarity', '--clip-above', '10', '--clip-below', '50'],
      /--clip-below 50 must be below --clip-above 10/,
    ],
    ['a .jpg picture', ['--heatmap', join(dir, 'h.jpg')], /h\.jpg: pictures are written as PNG; name the file \.png/],
    ['--mean with --normalize', ['--normalize', 'imagenet', '--mean', '0.5'], /--mean sets what --normalize imagenet sets; give one or the other/],
  ])('%s', (_what, flags, message) => {
    const run = ig([...explain(flags), '--json', join(dir, 'r.json')]);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
    expect(existsSync(join(dir, 'r.json'))).toBe(false);
    expect(existsSync(heatmap)).toBe(false);
  });

  it('ig batch --heatmaps refuses them too, before any item is computed', () => {
    const inputs = join(dir, 'inputs');
    mkdirSync(inputs);
    writeFileSync(join(inputs, 'a.npy'), readFileSync(input));
    const out = join(dir, 'batch-out');
    const run = ig(['batch', '--model', model, '--inputs', inputs, '--out-dir', out, '--heatmaps', '--heatmap-method', 'alpha_scaling']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--heatmap-method alpha_scaling shows one sign/);
    expect(existsSync(join(out, 'a.npy'))).toBe(false);
  });
});

describe('ig batch --heatmaps on an input of several examples', () => {
  it('writes one picture per example, byte for byte those of ig explain --heatmap', () => {
    const cwd = join(dir, 'several');
    mkdirSync(join(cwd, 'inputs'), { recursive: true });
    const a = readFloat32Npy(input).data;
    const b = readFloat32Npy(captumPath('data', 'small_cnn', 'input1.npy')).data;
    const stacked = new Float32Array(3 * 784);
    stacked.set(a, 0);
    stacked.set(b, 784);
    stacked.set(
      a.map((v) => 1 - v),
      2 * 784,
    );
    writeFileSync(join(cwd, 'inputs', 'c.npy'), formatNpy(stacked, [3, 1, 28, 28]));
    const flags = ['--target', '3', '--steps', '4', '--scale', '1'];
    const batch = ig(['batch', '--model', model, '--inputs', 'inputs', '--out-dir', 'out', '--heatmaps', ...flags], { cwd });
    expect(batch.code, batch.stderr).toBe(0);
    expect(
      readdirSync(join(cwd, 'out'))
        .filter((f) => f.endsWith('.png'))
        .sort(),
    ).toEqual(['c-0.png', 'c-1.png', 'c-2.png']);
    const single = ig(['explain', '--model', model, '--input', join('inputs', 'c.npy'), '--heatmap', 'e.png', ...flags, '-q'], { cwd });
    expect(single.code, single.stderr).toBe(0);
    for (const k of [0, 1, 2]) expect(readFileSync(join(cwd, 'out', `c-${k}.png`)).equals(readFileSync(join(cwd, `e-${k}.png`)))).toBe(true);
  });
});

describe('an image read with a --layout that contradicts the model', () => {
  it('names the layout the model input has, instead of asking for a resize', () => {
    const image = join(fileURLToPath(new URL('../assets/fashion-mnist/', import.meta.url)), 'tshirt.png');
    const run = ig(['explain', '--model', model, '--input', image, '--layout', 'nhwc', '--steps', '4']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--layout nhwc reads the model input [?, 1, 28, 28] as 28 channels on axis 3; its axis 1 holds 1: use --layout nchw');
  });
});
