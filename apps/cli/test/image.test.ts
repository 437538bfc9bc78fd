import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, encodePng } from '../src/image.js';
import { combineChannels, heatmapScale, renderHeatmap } from '@ig/core';
import { formatNpy } from '../src/npy.js';
import { captumPath } from '@ig/test-fixtures';
import { ig, readFloat32Npy, tempDir, writeSmallCnnTfjsModel } from './helpers.js';

const ASSETS = fileURLToPath(new URL('../assets/', import.meta.url));

const rgba = (width: number, height: number, pixel: (x: number, y: number) => number[]) => {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 4);
  return { width, height, data };
};

describe('images', () => {
  it('decodes what it encodes (PNG) and decodes JPEG', () => {
    const image = rgba(3, 2, (x, y) => [10 * x, 20 * y, 30, 255]);
    const back = decodeImage(encodePng(image), 'a.png');
    expect(Array.from(back.data)).toEqual(Array.from(image.data));
    const gray = rgba(8, 8, () => [128, 128, 128, 255]);
    const jpg = jpeg.encode({ width: 8, height: 8, data: Buffer.from(gray.data) }, 95).data;
    const decoded = decodeImage(jpg, 'a.jpg');
    expect([decoded.width, decoded.height]).toEqual([8, 8]);
    expect(Math.abs((decoded.data[0] as number) - 128)).toBeLessThanOrEqual(2);
    expect(() => decodeImage(new Uint8Array([1, 2, 3]), 'x.png')).toThrow(/x\.png: is not a PNG or JPEG image \(it starts with bytes 01 02 03\)/);
  });
});

describe('ig explain on an image input', () => {
  let dir: string;
  let model: string;
  beforeAll(async () => {
    dir = tempDir('image');
    model = await writeSmallCnnTfjsModel(join(dir, 'cnn'));
  });

  it('resizes a 56×56 PNG to the model input, says so on stderr, writes input-shaped attributions and a heatmap of that size upscaled to 224 px', () => {
    const png = new PNG({ width: 56, height: 56 });
    const image = rgba(56, 56, (x, y) => (Math.hypot(x - 28, y - 28) < 12 ? [255, 255, 255, 255] : [0, 0, 0, 255]));
    png.data = Buffer.from(image.data);
    const input = join(dir, 'ring.png');
    writeFileSync(input, PNG.sync.write(png));
    const out = join(dir, 'ring.npy');
    const heatmap = join(dir, 'ring.heat.png');
    const run = ig([
      'explain',
      '--model',
      model,
      '--input',
      input,
      '--baseline',
      'black',
      '--out',
      out,
      '--heatmap',
      heatmap,
      '--json',
      join(dir, 'ring.json'),
    ]);
    expect(run.stderr).toBe(`note: ${input} was resized from 56×56 to 28×28 for the model input [1, 28, 28, 1]\n`);
    expect(run.code).toBe(0);
    expect(readFloat32Npy(out).shape).toEqual([1, 28, 28, 1]);
    const drawn = PNG.sync.read(readFileSync(heatmap));
    expect([drawn.width, drawn.height]).toEqual([224, 224]);
  });
});

describe('ig explain --heatmap-method polarity', () => {
  it('--outlines draws full-intensity green borders over the dimmed image and nothing else', () => {
    const assets = fileURLToPath(new URL('../assets/fashion-mnist/', import.meta.url));
    const dir = tempDir('outlines');
    const heatmap = join(dir, 'o.png');
    const run = ig([
      'explain',
      '--model',
      join(assets, 'model.json'),
      '--input',
      join(assets, 'tshirt.png'),
      '--heatmap',
      heatmap,
      '--heatmap-method',
      'polarity',
      '--polarity',
      'positive',
      '--outlines',
      '--scale',
      '1',
      '-q',
    ]);
    expect(run.code).toBe(0);
    const drawn = PNG.sync.read(readFileSync(heatmap));
    const image = PNG.sync.read(readFileSync(join(assets, 'tshirt.png')));
    let outlined = 0;
    for (let p = 0; p < 28 * 28; p++) {
      const gray = image.data[p * 4] as number;
      // byte conversion as ImageData does it (Uint8ClampedArray: round half to even)
      const byte = (v: number): number => Uint8ClampedArray.of(v)[0] as number;
      const dimmed = byte(0.7 * gray);
      expect(drawn.data[p * 4]).toBe(dimmed);
      expect(drawn.data[p * 4 + 2]).toBe(dimmed);
      const green = drawn.data[p * 4 + 1] as number;
      expect([dimmed, byte(0.7 * gray + 0.5 * 255)]).toContain(green);
      if (green !== dimmed) outlined++;
    }
    expect(outlined).toBeGreaterThan(0);
  });
});

describe('ig explain --heatmap on a batch', () => {
  it('writes one PNG per example on one shared scale', () => {
    const dir = tempDir('shared');
    const a = readFloat32Npy(captumPath('data', 'small_cnn', 'input0.npy')).data;
    const b = readFloat32Npy(captumPath('data', 'small_cnn', 'input1.npy')).data.map((v) => 3 * v);
    const input = join(dir, 'two.npy');
    const stacked = new Float32Array(2 * 784);
    stacked.set(a, 0);
    stacked.set(b, 784);
    writeFileSync(input, formatNpy(stacked, [2, 1, 28, 28]));
    const out = join(dir, 'two.attr.npy');
    const run = ig([
      'explain',
      '--model',
      join(ASSETS, 'small_cnn.onnx'),
      '--input',
      input,
      '--target',
      '3',
      '--out',
      out,
      '--heatmap',
      join(dir, 'heat.png'),
      '--heatmap-method',
      'heat_map',
      '--sign',
      'absolute_value',
      '--scale',
      '1',
      '-q',
    ]);
    expect(run.code).toBe(0);
    const attributions = readFloat32Npy(out).data;
    const maps = [0, 1].map((k) => ({ data: attributions.subarray(k * 784, (k + 1) * 784), shape: [28, 28] }));
    const shared = heatmapScale(
      maps.map((m) => combineChannels(m)),
      'absolute_value',
    );
    maps.forEach((map, k) => {
      const png = PNG.sync.read(readFileSync(join(dir, `heat-${k}.png`)));
      expect(Array.from(png.data)).toEqual(Array.from(renderHeatmap(map, { sign: 'absolute_value', scale: shared }).data));
    });
    // on its own scale the weaker example would look as strong as the other one
    const alone = renderHeatmap(maps[0] as { data: Float32Array; shape: number[] }, { sign: 'absolute_value' });
    expect(Array.from(PNG.sync.read(readFileSync(join(dir, 'heat-0.png'))).data)).not.toEqual(Array.from(alone.data));
  });
});
