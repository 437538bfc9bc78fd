import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CliError, FileFormatError } from '../src/errors.js';
import { exifOrientation } from '../src/exif-orientation.js';
import { decodeImage } from '../src/image.js';
import { DEFAULT_LIMITS, checkPixels, imageSize } from '../src/limits.js';
import { parseNpy } from '../src/npy.js';
import { readRegionMask } from '../src/target-files.js';
import { fixture } from './helpers.js';
import { PNG_VARIANTS } from './input-file-fixtures.js';

/* Files written by test/fixtures/files/make_files.py; <name>.pil.npy is what Pillow decodes (uint8 [H, W, 3], after exif_transpose and convert('RGB')). */
const bytes = (name: string): Buffer => readFileSync(fixture('files', name));
const pil = (name: string): { data: Uint8Array; shape: readonly number[] } => {
  const array = parseNpy(bytes(`${name}.pil.npy`));
  return { data: array.data as Uint8Array, shape: array.shape };
};

/** Largest and mean |ours − Pillow| over R, G, B; the sizes must agree. */
function deviation(name: string): { max: number; mean: number } {
  const image = decodeImage(bytes(name), name);
  const reference = pil(name);
  expect([image.height, image.width]).toEqual(reference.shape.slice(0, 2));
  let max = 0;
  let sum = 0;
  for (let p = 0; p < image.width * image.height; p++) {
    for (let c = 0; c < 3; c++) {
      const d = Math.abs((image.data[p * 4 + c] as number) - (reference.data[p * 3 + c] as number));
      max = Math.max(max, d);
      sum += d;
    }
  }
  return { max, mean: sum / (image.width * image.height * 3) };
}

describe('PNG variants decode to the pixels Pillow gives', () => {
  it.each([...PNG_VARIANTS, 'one_pixel.png', 'exif6.png'])('%s: every RGB value equal (alpha dropped as convert("RGB") does, gAMA not applied)', (name) => {
    expect(deviation(name).max).toBe(0);
  });

  it.each(['grey16.png', 'grey16_adam7.png', 'rgb16.png'])('%s: 16-bit samples become round(v · 255 / 65535)', (name) => {
    // Pillow is no reference here: convert('RGB') clips 16-bit grey at 255 and keeps the high byte of 16-bit RGB.
    const raw = parseNpy(bytes(name.startsWith('grey') ? 'grey16.raw.npy' : 'rgb16.raw.npy'));
    const samples = raw.data as Uint16Array;
    const channels = raw.shape.length === 3 ? 3 : 1;
    const image = decodeImage(bytes(name), name);
    expect([image.width, image.height]).toEqual([20, 12]);
    for (let p = 0; p < 240; p++) {
      for (let c = 0; c < 3; c++) {
        expect(image.data[p * 4 + c]).toBe(Math.round(((samples[p * channels + (channels === 3 ? c : 0)] as number) * 255) / 65535));
      }
    }
  });

  it('keeps the alpha of a partly transparent PNG and a palette with tRNS in the decoded RGBA', () => {
    const rgba = decodeImage(bytes('palette_trns.png'), 'palette_trns.png');
    expect(new Set(Array.from({ length: 240 }, (_, p) => rgba.data[p * 4 + 3]))).toEqual(new Set([0, 128, 255]));
  });
});

describe('JPEG variants decode within 3 levels of Pillow (libjpeg)', () => {
  // The remaining difference is the inverse DCT (jpeg-js's against libjpeg's islow), ±1 per
  // component, amplified by up to 1.772 in the colour conversion; measured: max 3, mean 0.17–0.18.
  it.each(['baseline444.jpg', 'baseline420.jpg', 'baseline422.jpg', 'progressive.jpg', 'restart.jpg', 'exif3.jpg', 'exif6.jpg', 'exif8.jpg', 'jpeg_named.png'])(
    '%s',
    (name) => {
      const { max, mean } = deviation(name);
      expect(max).toBeLessThanOrEqual(3);
      expect(mean).toBeLessThan(0.25);
    },
  );

  it.each(['grey.jpg', 'cmyk.jpg'])('%s (one component; Adobe CMYK): within 1 level', (name) => {
    expect(deviation(name).max).toBeLessThanOrEqual(1);
  });

  it('turns EXIF orientations 3, 6 and 8 (JPEG APP1; PNG eXIf) upright as exif_transpose does (20×12 stored)', () => {
    expect(decodeImage(bytes('exif3.jpg'), 'a')).toMatchObject({ width: 20, height: 12, orientation: 3 });
    expect(decodeImage(bytes('exif6.jpg'), 'a')).toMatchObject({ width: 12, height: 20, orientation: 6 });
    expect(decodeImage(bytes('exif8.jpg'), 'a')).toMatchObject({ width: 12, height: 20, orientation: 8 });
    expect(decodeImage(bytes('exif6.png'), 'a')).toMatchObject({ width: 12, height: 20, orientation: 6 });
  });
});

describe('EXIF orientation tag', () => {
  /** A TIFF header and one IFD: ImageWidth, then Orientation = value, in the byte order given. */
  const tiff = (order: 'II' | 'MM', value: number): Uint8Array => {
    const little = order === 'II';
    const view = new DataView(new ArrayBuffer(8 + 2 + 2 * 12 + 4));
    [0, 1].forEach((i) => view.setUint8(i, order.charCodeAt(i)));
    view.setUint16(2, 42, little);
    view.setUint32(4, 8, little);
    view.setUint16(8, 2, little);
    view.setUint16(10, 0x0100, little);
    view.setUint16(12, 3, little);
    view.setUint32(14, 1, little);
    view.setUint16(18, 640, little);
    view.setUint16(22, 0x0112, little);
    view.setUint16(24, 3, little);
    view.setUint32(26, 1, little);
    view.setUint16(30, value, little);
    return new Uint8Array(view.buffer);
  };
  it('is read in both byte orders (phones write big-endian "MM"); out-of-range values and cut blocks mean as stored', () => {
    expect([exifOrientation(tiff('II', 6)), exifOrientation(tiff('MM', 6)), exifOrientation(tiff('MM', 8))]).toEqual([6, 6, 8]);
    expect(exifOrientation(tiff('MM', 9))).toBe(1);
    expect(exifOrientation(tiff('MM', 6).subarray(0, 20))).toBe(1);
  });
});

describe('files that are not a readable PNG or JPEG get a typed error naming the file and what it is', () => {
  const refused = (data: Uint8Array, name: string): string => {
    try {
      decodeImage(data, name);
    } catch (error) {
      expect(error).toBeInstanceOf(FileFormatError);
      return (error as Error).message;
    }
    throw new Error(`${name} decoded`);
  };

  it.each([
    ['image.webp', 'a WebP image'],
    ['image.gif', 'a GIF image'],
    ['image.bmp', 'a BMP image'],
    ['image.tiff', 'a TIFF image'],
  ])('%s is %s', (name, what) => {
    expect(refused(bytes(name), name)).toBe(
      `${name}: is ${what}; ig reads PNG and JPEG images (and .npy and .npz arrays); convert it, e.g. with PIL: Image.open(f).convert('RGB').save('image.png')`,
    );
  });

  it('an arithmetic-coded JPEG names its coding process', () => {
    expect(refused(bytes('arithmetic.jpg'), 'a.jpg')).toMatch(/^a\.jpg: uses the arithmetic-coded sequential JPEG process \(SOF9\), which ig cannot decode/);
  });

  it('an empty file, and a PNG or JPEG cut short at every byte', () => {
    expect(refused(new Uint8Array(0), 'e.png')).toMatch(/^e\.png: is empty \(0 bytes\)/);
    for (const name of ['rgb8.png', 'rgb8_adam7.png', 'baseline420.jpg', 'progressive.jpg']) {
      const whole = bytes(name);
      for (let cut = 1; cut < whole.length; cut++) {
        expect(refused(whole.subarray(0, cut), name)).toMatch(/: (is not a PNG or JPEG image|truncated (PNG|JPEG)|corrupt JPEG)/);
      }
    }
  });

  it('a 20000×20000 PNG is refused from its header before any pixel is decoded', () => {
    const chunk = (type: string, data: Buffer): Buffer => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(data.length);
      return Buffer.concat([length, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
    };
    const header = Buffer.alloc(13);
    header.writeUInt32BE(20000, 0);
    header.writeUInt32BE(20000, 4);
    header.set([1, 0, 0, 0, 0], 8);
    const rows = Buffer.alloc(20000 * 2501);
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(rows)),
      chunk('IEND', Buffer.alloc(0)),
    ]);
    const size = imageSize(png);
    expect(size).toEqual({ width: 20000, height: 20000 });
    expect(() => checkPixels(size as { width: number; height: number }, DEFAULT_LIMITS, 'image big.png')).toThrow(CliError);
    expect(() => checkPixels(size as { width: number; height: number }, DEFAULT_LIMITS, 'image big.png')).toThrow(
      'image big.png is 20000×20000 = 400000000 pixels, above the limit of 40000000; raise --max-pixels if you mean it',
    );
  });
});

describe('--region-mask PNGs are read on their samples as stored', () => {
  it('a 16-bit label mask: labels 1 and 2 are inside, though they round to 0 in 8 bits', () => {
    const raw = parseNpy(bytes('mask16.raw.npy')).data as Uint16Array;
    const mask = readRegionMask(fixture('files', 'mask16.png'), DEFAULT_LIMITS);
    expect([mask.height, mask.width]).toEqual([12, 20]);
    expect(Array.from(mask.inside)).toEqual(Array.from(raw, (v) => (v !== 0 ? 1 : 0)));
    expect(raw.some((v) => v === 1) && raw.some((v) => v === 0)).toBe(true);
  });
});
