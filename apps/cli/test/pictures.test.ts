import { captumModelPath, captumPath } from '@ig/test-fixtures';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { greyImage, panelLayout, resizeBilinear, upscaleNearest } from '@ig/core';
import { decodeImage, encodePng } from '../src/image.js';
import type { Rgba } from '../src/image.js';
import { loadInput } from '../src/inputs.js';
import { formatNpy } from '../src/npy.js';
import { scaleFactor } from '../src/picture-options.js';
import { panelTitle, targetProbability } from '../src/panel-output.js';
import { preprocessingNote } from '../src/preprocessing.js';
import { ig, tempDir } from './helpers.js';

const FASHION = fileURLToPath(new URL('../assets/fashion-mnist/', import.meta.url));
const MODEL_SHAPE = [null, 28, 28, 1];

/** A 512×600 colour picture: a hue gradient with a bright square, so resizing and grey conversion both change it. */
function colourPhoto(width: number, height: number): Rgba {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inSquare = Math.abs(x - width / 2) < width / 5 && Math.abs(y - height / 2) < height / 5;
      data.set(inSquare ? [240, 230, 200, 255] : [(x * 255) / width, (y * 255) / height, 90, 255], (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

const settings = { size: null, layout: null, normalization: { mean: [0, 0, 0], std: [1, 1, 1] }, channels: null } as const;

describe('preprocessing record', () => {
  let dir: string;
  let photo: string;
  beforeAll(() => {
    dir = tempDir('pictures');
    photo = join(dir, 'photo.png');
    writeFileSync(photo, encodePng(colourPhoto(512, 600)));
  });

  it('a 512×600 colour PNG for a 28×28 grey model: the steps it records rebuild the tensor the model gets', () => {
    const input = loadInput(photo, settings, MODEL_SHAPE);
    const p = input.preprocessing;
    expect(p).toEqual({
      file: photo,
      kind: 'image',
      originalSize: { width: 512, height: 600 },
      originalColour: 'rgb',
      modelInputShape: MODEL_SHAPE,
      inputShape: [1, 28, 28, 1],
      layout: 'nhwc',
      steps: [
        { op: 'resize', from: [512, 600], to: [28, 28], filter: 'bilinear', reason: 'the model input' },
        { op: 'grey', from: 'rgb', weights: [0.299, 0.587, 0.114] },
        { op: 'scale', divide: 255 },
      ],
    });
    // replay: decode the file, resize as recorded, weight R, G, B as recorded, divide by 255
    const decoded = decodeImage(readFileSync(photo), photo);
    expect([decoded.width, decoded.height]).toEqual([512, 600]);
    const resized = resizeBilinear(decoded, 28, 28);
    const weights = [0.299, 0.587, 0.114];
    let worst = 0;
    for (let i = 0; i < 28 * 28; i++) {
      const grey = weights.reduce((sum, w, ch) => sum + w * ((resized.data[i * 4 + ch] as number) / 255), 0);
      worst = Math.max(worst, Math.abs((input.tensor.data[i] as number) - grey));
    }
    // float32 rounding of values in [0, 1]: at most 2^-25 ≈ 3e-8
    expect(worst).toBeLessThan(6e-8);
    // the picture that heatmaps and panels draw on is what the model sees: the grey 28×28 image
    expect(Array.from(input.image?.data ?? [])).toEqual(Array.from(greyImage(resized).data));
    expect(preprocessingNote(p ?? (undefined as never))).toBe(
      `note: ${photo} was resized from 512×600 to 28×28 and converted from colour to grey for the model input [1, 28, 28, 1]`,
    );
  });

  it('records --size and normalisation, and says nothing when nothing changed the picture', () => {
    const input = loadInput(
      photo,
      { ...settings, size: { width: 64, height: 32 }, normalization: { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] }, channels: 3 },
      [null, 3, null, null],
    );
    expect(input.preprocessing?.steps).toEqual([
      { op: 'resize', from: [512, 600], to: [64, 32], filter: 'bilinear', reason: '--size' },
      { op: 'scale', divide: 255 },
      { op: 'normalize', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
    ]);
    expect(input.preprocessing?.inputShape).toEqual([1, 3, 32, 64]);
    expect(preprocessingNote(input.preprocessing ?? (undefined as never))).toBe(
      `note: ${photo} was resized from 512×600 to 64×32 for the model input [1, 3, 32, 64]`,
    );
    const tshirt = loadInput(join(FASHION, 'tshirt.png'), settings, MODEL_SHAPE);
    expect(tshirt.preprocessing?.originalColour).toBe('grey');
    expect(preprocessingNote(tshirt.preprocessing ?? (undefined as never))).toBeNull();
    const npy = join(dir, 'x.npy');
    writeFileSync(npy, formatNpy(new Float32Array(28 * 28), [28, 28, 1]));
    expect(loadInput(npy, settings, MODEL_SHAPE).preprocessing).toEqual({
      file: npy,
      kind: 'npy',
      originalShape: [28, 28, 1],
      modelInputShape: MODEL_SHAPE,
      inputShape: [1, 28, 28, 1],
      layout: 'nhwc',
      steps: [{ op: 'add-batch-axis', from: [28, 28, 1], to: [1, 28, 28, 1] }],
    });
  });

  it('ig explain: the note on stderr, preprocessing in --json, --scale replicates pixels, and the panel holds the input and the overlay', () => {
    const json = join(dir, 'report.json');
    const heat3 = join(dir, 'heat3.png');
    const panel = join(dir, 'panel.png');
    const args = ['explain', '--model', join(FASHION, 'model.json'), '--labels', join(FASHION, 'labels.txt'), '--input', photo, '--steps', '16'];
    const run = ig([...args, '--heatmap', heat3, '--scale', '3', '--panel', panel, '--json', json]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`note: ${photo} was resized from 512×600 to 28×28 and converted from colour to grey for the model input [1, 28, 28, 1]\n`);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { preprocessing: unknown };
    expect(report.preprocessing).toEqual(loadInput(photo, settings, MODEL_SHAPE).preprocessing);

    const heat1 = join(dir, 'heat1.png');
    const quiet = ig([...args, '--heatmap', heat1, '--scale', '1', '-q']);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    const small = PNG.sync.read(readFileSync(heat1));
    const big = PNG.sync.read(readFileSync(heat3));
    expect([small.width, small.height, big.width, big.height]).toEqual([28, 28, 84, 84]);
    for (let y = 0; y < 84; y++) {
      for (let x = 0; x < 84; x++) {
        const from = (Math.floor(y / 3) * 28 + Math.floor(x / 3)) * 4;
        expect(Array.from(big.data.subarray((y * 84 + x) * 4, (y * 84 + x) * 4 + 4))).toEqual(Array.from(small.data.subarray(from, from + 4)));
      }
    }

    // the parts' places depend on the picture size and the number of title lines only
    const drawn = PNG.sync.read(readFileSync(panel));
    const layout = panelLayout({ partWidth: 84, partHeight: 84, title: ['', ''], captions: ['', '', ''], barLabels: [], textSize: 1 });
    const part = (k: number): number[] => {
      const box = layout.parts[k] as { x: number; y: number };
      const out: number[] = [];
      for (let row = 0; row < 84; row++)
        out.push(...drawn.data.subarray(((box.y + row) * drawn.width + box.x) * 4, ((box.y + row) * drawn.width + box.x + 84) * 4));
      return out;
    };
    const seen = greyImage(resizeBilinear(decodeImage(readFileSync(photo), photo), 28, 28));
    expect(part(0)).toEqual(Array.from(upscaleNearest(seen, 3).data));
    expect(part(2)).toEqual(Array.from(big.data));
  });

  it('--panel on an input that is not image-shaped exits 2 naming the shape, and writes no panel', () => {
    const panel = join(dir, 'iris.png');
    const run = ig(['explain', '--model', captumModelPath('iris_mlp'), '--input', captumPath('data', 'iris_mlp', 'input_setosa_row1.npy'), '--panel', panel]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--panel needs an image-shaped input [N, C, H, W] or [N, H, W, C]; the attributions are [1, 4]');
    expect(existsSync(panel)).toBe(false);
  });

  it('refuses a --scale that is not auto or a whole number from 1 to 64', () => {
    for (const bad of ['1.5', '65']) {
      const run = ig(['explain', '--model', join(FASHION, 'model.json'), '--input', join(FASHION, 'tshirt.png'), '--scale', bad]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`--scale must be auto or a whole number from 1 to 64, got '${bad}'`);
    }
    // 224×224 at 32× is 7168×7168 = 51.4 M pixels
    expect(() => scaleFactor(32, 224, 224)).toThrow('--scale 32 would draw a 7168×7168 picture, over 50000000 pixels; use a smaller --scale');
    expect(scaleFactor(31, 224, 224)).toBe(31);
    expect(scaleFactor('auto', 28, 28)).toBe(8);
    expect(scaleFactor(undefined, 28, 28)).toBe(1);
  });
});

describe('panel title', () => {
  const example = { example: 0, target: 7, label: 'Sneaker', fInput: 5.92521, fBaseline: -1.22406, delta: -0.00180285, relativeError: 2.5e-4, steps: 64 };
  it('names the target and its label, the probability, and F(x), F(x′) and the completeness delta to three digits', () => {
    expect(panelTitle(example, 'integrated-gradients', { value: 0.99612, from: 'softmax' })).toEqual([
      'target 7 (Sneaker), p = 0.996 (softmax)',
      "integrated-gradients, 64 steps: F(x) = 5.93, F(x') = -1.22, completeness delta = -0.0018",
    ]);
    expect(
      panelTitle({ ...example, label: undefined as never, fInput: null, fBaseline: null, delta: null, relativeError: null, steps: 1 }, 'saliency', null),
    ).toEqual(['target 7', 'saliency, 1 step (no completeness identity)']);
  });
  it('softmax of logits, or the outputs themselves when they already are probabilities', () => {
    const logits = [1, 2, 3];
    const sum = Math.exp(1) + Math.exp(2) + Math.exp(3);
    expect(targetProbability(logits, 2).value).toBeCloseTo(Math.exp(3) / sum, 12);
    expect(targetProbability(logits, 2).from).toBe('softmax');
    expect(targetProbability([0.1, 0.7, 0.2], 1)).toEqual({ value: 0.7, from: 'output' });
  });
});
