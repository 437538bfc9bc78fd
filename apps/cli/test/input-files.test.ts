import { chmodSync, copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatNpy, parseNpy, toFloat32 } from '../src/npy.js';
import { fixture, ig, readFloat32Npy, tempDir } from './helpers.js';

/*
 * The commands on the file variants of test/fixtures/files (make_files.py). The models are linear,
 * logits = W · flatten(x) on [N, 3, 12, 20] (and [N, 3, 20, 12]), so IG from a zero baseline is
 * x · W[target] exactly: dividing the attributions by W gives back the input tensor the CLI built,
 * compared with Pillow's pixels / 255.
 */
const files = (name: string): string => fixture('files', name);
const weightRow = (model: string): Float32Array => toFloat32(parseNpy(readFileSync(files(`${model}.weight.npy`)))).subarray(0, 720);

/** Pixels (0–255, [C, H, W] order) the attributions imply: attribution / W[0] · 255. */
const impliedPixels = (attributions: Float32Array, model: string): number[] => {
  const w = weightRow(model);
  return Array.from(attributions, (a, i) => (a / (w[i] as number)) * 255);
};

/** Pillow's RGB pixels of an image fixture in [C, H, W] order. */
const pilPixels = (name: string): number[] => {
  const { data, shape } = parseNpy(readFileSync(files(`${name}.pil.npy`)));
  const [h, w] = shape as [number, number];
  return Array.from({ length: 3 * h * w }, (_, i) => data[(i % (h * w)) * 3 + Math.floor(i / (h * w))] as number);
};

const maxDifference = (a: readonly number[], b: readonly number[]): number => Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))));

/** Σ x · W[0] over Pillow's pixels: F(x) of target 0. */
const logit = (name: string, model: string): number => {
  const w = weightRow(model);
  return pilPixels(name).reduce((sum, v, i) => sum + (v / 255) * (w[i] as number), 0);
};

describe('ig batch on a folder of PNG and JPEG variants', () => {
  const pngs = [
    'rgb8.png',
    'rgb8_adam7.png',
    'grey8.png',
    'grey_alpha.png',
    'rgba_partial.png',
    'palette.png',
    'palette4.png',
    'palette_trns.png',
    'bilevel.png',
    'gamma.png',
    'png_named.jpg',
  ];
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

describe('.npy inputs as NumPy writes them', () => {
  const explain = (input: string, out: string): ReturnType<typeof ig> =>
    ig(['explain', '--model', files('linear_rgb.onnx'), '--input', input, '--target', '0', '--steps', '4', '--out', out, '-q', '--no-cache']);
  const x = toFloat32(parseNpy(readFileSync(files('x_f4.npy'))));

  it('big-endian Fortran-ordered int16, float16, .npz (stored and compressed) and a leading batch of 1 past the model’s rank give x · W', () => {
    const dir = tempDir('npy-variants');
    const extra = join(dir, 'extra batch.npy');
    writeFileSync(extra, formatNpy(x, [1, 1, 3, 12, 20]));
    for (const [input, scale] of [
      [files('x_be_fortran_i2.npy'), 4],
      [files('x_f2.npy'), 1],
      [files('x_nobatch.npy'), 1],
      [files('x.npz'), 1],
      [files('x_compressed.npz'), 1],
      [extra, 1],
    ] as const) {
      const out = join(dir, 'a.npy');
      const run = explain(input, out);
      expect(run.stderr).toBe('');
      const attributions = readFloat32Npy(out);
      expect(attributions.shape).toEqual([1, 3, 12, 20]);
      const w = weightRow('linear_rgb');
      expect(
        maxDifference(
          Array.from(attributions.data),
          Array.from(x, (v, i) => scale * v * (w[i] as number)),
        ),
      ).toBeLessThan(1e-5 * 16 * scale);
    }
  });

  it.each([
    ['x_wrong_shape.npy', /input .*x_wrong_shape\.npy has shape \[1, 2, 12, 20\] but the model takes \[\?, 3, 12, 20\]/],
    ['x_1d.npy', /input .*x_1d\.npy has shape \[720\] but the model takes \[\?, 3, 12, 20\]/],
    ['x_scalar.npy', /x_scalar\.npy: holds a scalar; the input needs a batch axis/],
    ['x_nan.npy', /x_nan\.npy: NaN at index \[0, 1, 2, 3\] \(flat 283\); inputs must be finite numbers/],
    ['two.npz', /two\.npz: holds 2 arrays \(image, label\); ig reads an \.npz of one array: np\.save\('x\.npy', np\.load\('.*two\.npz'\)\['image'\]\)/],
    ['objects.npy', /objects\.npy: holds Python objects/],
  ])('%s: one line naming the file and the problem', (name, message) => {
    const run = explain(files(name), join(tempDir('npy-bad'), 'a.npy'));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a NaN in a baseline file is named by its index too', () => {
    const run = ig([
      'explain',
      '--model',
      files('linear_rgb.onnx'),
      '--input',
      files('x_f4.npy'),
      '--baseline',
      files('x_inf.npy'),
      '--target',
      '0',
      '-q',
      '--no-cache',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/x_inf\.npy: -Infinity at index \[0, 2, 0, 1\] \(flat 481\)/);
  });
});

describe('output files that cannot be written are refused before any work', () => {
  // The model does not exist: an error about the output proves the outputs were checked first.
  const refused = (args: string[]): ReturnType<typeof ig> =>
    ig(['explain', '--model', join(tempDir('no-model'), 'missing.onnx'), '--input', files('x_f4.npy'), '--target', '0', ...args]);

  it('a folder that does not exist, a file in place of a folder, a folder in place of the file, two options on one file', () => {
    const dir = tempDir('outputs');
    writeFileSync(join(dir, 'afile'), '');
    expect(refused(['--out', join(dir, 'nowhere', 'a.npy')]).stderr).toBe(
      `error: cannot write --out ${join(dir, 'nowhere', 'a.npy')}: folder ${join(dir, 'nowhere')} does not exist\n`,
    );
    expect(refused(['--json', join(dir, 'afile', 'r.json')]).stderr).toBe(
      `error: cannot write --json ${join(dir, 'afile', 'r.json')}: ${join(dir, 'afile')} is not a folder\n`,
    );
    expect(refused(['--heatmap', dir]).stderr).toBe(`error: cannot write --heatmap ${dir}: ${dir} is a folder; name a file\n`);
    expect(refused(['--out', join(dir, 'a.npy'), '--json', join(dir, '.', 'a.npy')]).stderr).toBe(
      `error: --out and --json both name ${join(dir, 'a.npy')}; give each output its own file\n`,
    );
    expect(readdirSync(dir)).toEqual(['afile']);
    const hierarchy = ig(['hierarchy', '--model', 'missing.onnx', '--input', files('x_f4.npy'), '--html', join(dir, 'no', 'h.html')]);
    expect(hierarchy.stderr).toMatch(/^error: cannot write --html .*no\/h\.html: folder .*no does not exist\n$/);
    const check = ig(['check', '--model', 'missing.onnx', '--input', files('x_f4.npy'), '--json', join(dir, 'afile', 'c.json')]);
    expect(check.stderr).toMatch(/^error: cannot write --json .*afile\/c\.json: .*afile is not a folder\n$/);
  });

  it('a read-only folder: refused for an ordinary user; root may write there, and gets the whole file', () => {
    const dir = tempDir('read-only');
    chmodSync(dir, 0o555);
    const out = join(dir, 'a.npy');
    if (process.getuid?.() === 0) {
      const run = ig(['explain', '--model', files('linear_rgb.onnx'), '--input', files('x_f4.npy'), '--target', '0', '--out', out, '-q', '--no-cache']);
      expect(run.code).toBe(0);
      expect(readFloat32Npy(out).shape).toEqual([1, 3, 12, 20]);
    } else {
      expect(refused(['--out', out]).stderr).toBe(`error: cannot write --out ${out}: permission denied in ${dir}\n`);
    }
    chmodSync(dir, 0o755);
  });
});

/** A new folder `name` in `dir` holding copies of fixture files under new names (name → fixture). */
function folderOf(dir: string, name: string, copies: Readonly<Record<string, string>>): string {
  const folder = join(dir, name);
  mkdirSync(folder);
  for (const [copy, fixtureName] of Object.entries(copies)) copyFileSync(files(fixtureName), join(folder, copy));
  return folder;
}

describe('ig batch over a folder of arrays and images of every kind', () => {
  it('takes .npz arrays as items, fails each image format it cannot read as an item naming the format, and passes over other files', () => {
    const dir = tempDir('batch-kinds');
    const inputs = folderOf(dir, 'in', { 'a.npy': 'x_f4.npy', 'b.npz': 'x_compressed.npz', 'c.gif': 'image.gif', 'd.webp': 'image.webp' });
    writeFileSync(join(inputs, 'notes.txt'), 'not an input');
    const out = join(dir, 'out');
    const run = ig(['batch', '--model', files('linear_rgb.onnx'), '--inputs', inputs, '--out-dir', out, '--target', '0', '--steps', '4', '--no-cache', '-q']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: 2 of 4 inputs failed \(first: .*c\.gif.*a GIF image/);
    const summary = readFileSync(join(out, 'summary.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; status: string; error?: string });
    expect(summary.map((line) => [line.id, line.status])).toEqual([
      ['a', 'ok'],
      ['b', 'ok'],
      ['c', 'error'],
      ['d', 'error'],
    ]);
    expect(summary[3]?.error).toMatch(/d\.webp.*a WebP image/);
    // Both files hold the same array: a linear model gives x · W[0] for each, bit for bit.
    expect(Array.from(readFloat32Npy(join(out, 'b.npy')).data)).toEqual(Array.from(readFloat32Npy(join(out, 'a.npy')).data));
    const x = toFloat32(parseNpy(readFileSync(files('x_f4.npy'))));
    // Float32 rounding of x · W · Σ weights: measured 2.4e-6.
    expect(
      maxDifference(
        Array.from(readFloat32Npy(join(out, 'a.npy')).data),
        Array.from(x, (v, i) => v * (weightRow('linear_rgb')[i] as number)),
      ),
    ).toBeLessThan(1e-5);
  });
});

describe('--baseline-set folders', () => {
  it('a GIF among the baselines is refused naming its format, not left out of the set', () => {
    const set = folderOf(tempDir('baseline-set-kinds'), 'set', { 'a.npy': 'x_f4.npy', 'b.gif': 'image.gif' });
    const run = ig([
      'explain',
      '--model',
      files('linear_rgb.onnx'),
      '--input',
      files('x_f4.npy'),
      '--target',
      '0',
      '--algorithm',
      'expected-gradients',
      '--baseline-set',
      set,
      '--samples',
      '4',
      '--no-cache',
      '-q',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: .*b\.gif: is a GIF image; ig reads PNG and JPEG images/);
  });
});
