import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseNpy } from '../src/npy.js';
import { ig, readFloat32Npy, tempDir } from './helpers.js';
import { files, impliedPixels, logit, maxDifference, pilPixels, PNG_VARIANTS } from './input-file-fixtures.js';

/*
 * The commands on the file variants of test/fixtures/files (make_files.py). The models are linear,
 * logits = W · flatten(x) on [N, 3, 12, 20] (and [N, 3, 20, 12]), so IG from a zero baseline is
 * x · W[target] exactly: dividing the attributions by W gives back the input tensor the CLI built,
 * compared with Pillow's pixels / 255 (see input-file-fixtures.ts).
 */

describe('ig batch on a folder of PNG and JPEG variants', () => {
  const pngs = PNG_VARIANTS;
  const jpegs = [
    'baseline444.jpg',
    'baseline420.jpg',
    'baseline422.jpg',
    'progressive.jpg',
    'restart.jpg',
    'grey.jpg',
    'cmyk.jpg',
    'exif3.jpg',
    'jpeg_named.png',
  ];
  let out: string;
  beforeAll(() => {
    const dir = tempDir('variants');
    const inputs = join(dir, 'in');
    mkdirSync(inputs);
    for (const name of [...pngs, ...jpegs]) copyFileSync(files(name), join(inputs, name));
    out = join(dir, 'out');
    const run = ig(['batch', '--model', files('linear_rgb.onnx'), '--inputs', inputs, '--out-dir', out, '--target', '0', '--steps', '4', '--no-cache', '-q']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
  const attributionsOf = (name: string): Float32Array => readFloat32Npy(join(out, `${name.replace(/\.[a-z]+$/, '')}.npy`)).data;

  it.each(pngs)('%s: the model saw exactly Pillow’s RGB pixels / 255', (name) => {
    // a/W·255 recovers the pixel to float32 rounding (measured < 2e-5 of a level)
    expect(maxDifference(impliedPixels(attributionsOf(name), 'linear_rgb'), pilPixels(name))).toBeLessThan(2e-4);
  });

  it.each(jpegs)('%s: within 3 levels of Pillow’s pixels (see image-files.test.ts), and complete', (name) => {
    expect(maxDifference(impliedPixels(attributionsOf(name), 'linear_rgb'), pilPixels(name))).toBeLessThan(3 + 2e-4);
    const report = JSON.parse(readFileSync(join(out, `${name.replace(/\.[a-z]+$/, '')}.json`), 'utf8')) as { fInput: number; delta: number };
    const sum = attributionsOf(name).reduce((s, v) => s + v, 0);
    expect(Math.abs(sum - report.fInput)).toBeLessThan(2e-5 * Math.max(1, Math.abs(report.fInput)));
  });

  it('every item’s report says it is complete: |Σ attributions − (F(x) − F(0))| within float32 rounding', () => {
    const reports = [...pngs, ...jpegs].map((name) => `${name.replace(/\.[a-z]+$/, '')}.json`);
    for (const file of reports) {
      const report = JSON.parse(readFileSync(join(out, file), 'utf8')) as { relativeError: number };
      expect(report.relativeError).toBeLessThan(2e-5); // measured up to 2.5e-6
    }
  });
});

describe('ig explain, check and hierarchy on single files', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('single files');
  });

  it('a phone photo stored 20×12 with EXIF orientation 6 is turned upright (12×20) as exif_transpose does, and says so', () => {
    const out = join(dir, 'a.npy');
    const run = ig([
      'explain',
      '--model',
      files('linear_rgb_tall.onnx'),
      '--input',
      files('exif6.jpg'),
      '--target',
      '0',
      '--steps',
      '4',
      '--out',
      out,
      '--no-cache',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`note: ${files('exif6.jpg')} was turned upright by its EXIF orientation 6 (20×12 stored) for the model input [1, 3, 20, 12]\n`);
    expect(maxDifference(impliedPixels(readFloat32Npy(out).data, 'linear_rgb_tall'), pilPixels('exif6.jpg'))).toBeLessThan(3 + 2e-4);
  });

  it('16-bit PNGs under a path with spaces and non-ASCII letters: pixels round(v·255/65535)', () => {
    const input = join(dir, 'photo été 16 bit.png');
    copyFileSync(files('rgb16.png'), input);
    const out = join(dir, 'sixteen.npy');
    const run = ig(['explain', '--model', files('linear_rgb.onnx'), '--input', input, '--target', '0', '--steps', '4', '--out', out, '-q', '--no-cache']);
    expect(run.code).toBe(0);
    const raw = parseNpy(readFileSync(files('rgb16.raw.npy'))).data as Uint16Array;
    const expected = Array.from({ length: 720 }, (_, i) => Math.round(((raw[(i % 240) * 3 + Math.floor(i / 240)] as number) * 255) / 65535));
    expect(maxDifference(impliedPixels(readFloat32Npy(out).data, 'linear_rgb'), expected)).toBeLessThan(2e-4);
  });

  it('a 1×1 PNG is stretched to the model input: every pixel (200, 100, 50); a JPEG saved as .jfif is read', () => {
    const out = join(dir, 'one.npy');
    const run = ig([
      'explain',
      '--model',
      files('linear_rgb.onnx'),
      '--input',
      files('one_pixel.png'),
      '--target',
      '0',
      '--steps',
      '4',
      '--out',
      out,
      '-q',
      '--no-cache',
    ]);
    expect(run.code).toBe(0);
    const expected = [200, 100, 50].flatMap((v) => Array.from({ length: 240 }, () => v));
    expect(maxDifference(impliedPixels(readFloat32Npy(out).data, 'linear_rgb'), expected)).toBeLessThan(2e-4);
    const jfif = join(dir, 'saved from a browser.jfif');
    copyFileSync(files('baseline420.jpg'), jfif);
    const saved = ig(['explain', '--model', files('linear_rgb.onnx'), '--input', jfif, '--target', '0', '--steps', '4', '--out', out, '-q', '--no-cache']);
    expect(saved.code).toBe(0);
    expect(maxDifference(impliedPixels(readFloat32Npy(out).data, 'linear_rgb'), pilPixels('baseline420.jpg'))).toBeLessThan(3 + 2e-4);
  });

  it('a folder named like an image is refused as a folder', () => {
    const folder = join(dir, 'holiday.jpg');
    mkdirSync(folder);
    const run = ig(['explain', '--model', files('linear_rgb.onnx'), '--input', folder, '--target', '0', '-q', '--no-cache']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`error: input ${folder} is a directory; pass a file\n`);
  });

  it('a WebP input is refused naming its format and what is read', () => {
    const run = ig(['explain', '--model', files('linear_rgb.onnx'), '--input', files('image.webp'), '--target', '0', '-q', '--no-cache']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `error: ${files('image.webp')}: is a WebP image; ig reads PNG and JPEG images (and .npy and .npz arrays); convert it, e.g. with PIL: Image.open(f).convert('RGB').save('image.png')\n`,
    );
  });

  it('ig check passes the axioms on a grey+alpha PNG, and ig hierarchy scores the palette PNG with tRNS at F(x) from Pillow’s pixels', () => {
    const check = ig(['check', '--model', files('linear_rgb.onnx'), '--input', files('grey_alpha.png'), '--target', '0', '-q', '--no-cache']);
    expect(check.code).toBe(0);
    const tree = join(dir, 'tree.json');
    const run = ig([
      'hierarchy',
      '--model',
      files('linear_rgb.onnx'),
      '--input',
      files('palette_trns.png'),
      '--target',
      '0',
      '--score',
      'occlusion',
      '--json',
      tree,
      '-q',
      '--no-cache',
    ]);
    expect(run.code).toBe(0);
    const { fullScore } = JSON.parse(readFileSync(tree, 'utf8')) as { fullScore: number };
    expect(Math.abs(fullScore - logit('palette_trns.png', 'linear_rgb'))).toBeLessThan(1e-5 * Math.abs(fullScore));
  });
});
