/**
 * A PNG file's header and samples: chunks read, IDAT inflated (DecompressionStream, zlib),
 * scanlines unfiltered, Adam7 passes put in place. One sample per channel per pixel, at the file's
 * bit depth; pixel colours are png-decode.ts's part.
 */

export interface PngHeader {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA. */
  readonly colorType: number;
  readonly interlaced: boolean;
}

export interface PngSamples {
  readonly header: PngHeader;
  readonly channels: number;
  /** width × height × channels samples, row by row. */
  readonly samples: Uint16Array;
  readonly palette: Uint8Array | undefined;
  readonly transparency: Uint8Array | undefined;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Adam7: x0, y0, dx, dy of the seven passes. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

export function isPng(bytes: Uint8Array): boolean {
  return SIGNATURE.every((b, i) => bytes[i] === b);
}

async function inflate(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Undoes the filter of each row of one pass, in place; returns the offset after the pass. */
function unfilter(data: Uint8Array, at: number, rows: number, rowBytes: number, bpp: number): number {
  for (let y = 0; y < rows; y++) {
    const filter = data[at] as number;
    const row = at + 1;
    const previous = y === 0 ? -1 : row - rowBytes - 1;
    if (filter > 4) throw new Error(`unknown filter type ${filter} in row ${y}`);
    for (let i = 0; i < rowBytes; i++) {
      const left = i >= bpp ? (data[row + i - bpp] as number) : 0;
      const up = previous >= 0 ? (data[previous + i] as number) : 0;
      const upLeft = previous >= 0 && i >= bpp ? (data[previous + i - bpp] as number) : 0;
      const predicted = filter === 1 ? left : filter === 2 ? up : filter === 3 ? (left + up) >> 1 : filter === 4 ? paeth(left, up, upLeft) : 0;
      data[row + i] = ((data[row + i] as number) + predicted) & 0xff;
    }
    at = row + rowBytes;
  }
  return at;
}

function sampleAt(data: Uint8Array, row: number, index: number, bitDepth: number): number {
  if (bitDepth === 8) return data[row + index] as number;
  if (bitDepth === 16) return ((data[row + 2 * index] as number) << 8) | (data[row + 2 * index + 1] as number);
  const bit = index * bitDepth;
  return ((data[row + (bit >> 3)] as number) >> (8 - bitDepth - (bit & 7))) & ((1 << bitDepth) - 1);
}

function readHeader(data: DataView): PngHeader {
  const header = {
    width: data.getUint32(0),
    height: data.getUint32(4),
    bitDepth: data.getUint8(8),
    colorType: data.getUint8(9),
    interlaced: data.getUint8(12) === 1,
  };
  if (CHANNELS[header.colorType] === undefined) throw new Error(`unknown colour type ${header.colorType}`);
  if (![1, 2, 4, 8, 16].includes(header.bitDepth)) throw new Error(`unknown bit depth ${header.bitDepth}`);
  if (header.width === 0 || header.height === 0) throw new Error(`the image is ${header.width}×${header.height}`);
  return header;
}

export async function readPngSamples(bytes: Uint8Array): Promise<PngSamples> {
  if (!isPng(bytes)) throw new Error('not a PNG file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: PngHeader | undefined;
  let palette: Uint8Array | undefined;
  let transparency: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  for (let at = 8; at + 8 <= bytes.length;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (body.length < length) throw new Error(`the ${type} chunk is cut short`);
    if (type === 'IHDR') header = readHeader(new DataView(body.buffer, body.byteOffset, body.byteLength));
    else if (type === 'PLTE') palette = body;
    else if (type === 'tRNS') transparency = body;
    else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (header === undefined) throw new Error('no IHDR chunk');
  if (idat.length === 0) throw new Error('no image data (IDAT)');
  const compressed = new Uint8Array(idat.reduce((n, c) => n + c.length, 0));
  idat.reduce((offset, chunk) => (compressed.set(chunk, offset), offset + chunk.length), 0);
  const data = await inflate(compressed);
  const channels = CHANNELS[header.colorType] as number;
  const bitsPerPixel = channels * header.bitDepth;
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const { width, height, bitDepth } = header;
  const samples = new Uint16Array(width * height * channels);
  let at = 0;
  for (const [x0, y0, dx, dy] of header.interlaced ? ADAM7 : ([[0, 0, 1, 1]] as const)) {
    const passWidth = width > x0 ? Math.ceil((width - x0) / dx) : 0;
    const passHeight = height > y0 ? Math.ceil((height - y0) / dy) : 0;
    if (passWidth === 0 || passHeight === 0) continue;
    const rowBytes = Math.ceil((passWidth * bitsPerPixel) / 8);
    if (at + passHeight * (rowBytes + 1) > data.length) throw new Error('the image data is cut short');
    const start = at;
    at = unfilter(data, at, passHeight, rowBytes, bpp);
    for (let y = 0; y < passHeight; y++) {
      const row = start + y * (rowBytes + 1) + 1;
      for (let x = 0; x < passWidth; x++) {
        const pixel = ((y0 + y * dy) * width + x0 + x * dx) * channels;
        for (let c = 0; c < channels; c++) samples[pixel + c] = sampleAt(data, row, x * channels + c, bitDepth);
      }
    }
  }
  return { header, channels, samples, palette, transparency };
}
