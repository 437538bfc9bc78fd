import type { Rgb } from './polarity-map.js';
import type { RgbaImage } from './types.js';

/**
 * A 5×8 pixel bitmap font for printable ASCII (32–126), drawn for this project, for the titles
 * and colour-bar labels of attribution panels. @ig/core has no dependencies and runs in browsers
 * and workers without a canvas, so it cannot rasterise a TrueType font; 95 glyphs of 8 rows fit
 * in 1.5 kB. Each glyph is 8 rows, two hex digits per row; bit 4 is the leftmost pixel, row 6 the
 * baseline, row 7 the descender.
 */
const GLYPH_ROWS = [
  '000000000000000004040404040004000a0a0000000000000a0a1f0a1f0a0a00040f140e051e040018190204081303000c12140815120d000404000000000000',
  '020408080804020008040202020408000004150e150400000004041f0404000000000000000c04080000001f0000000000000000000c0c000001020408100000',
  '0e11131519110e00040c040404040e000e11010204081f001f02040201110e0002060a121f0202001f101e0101110e000608101e11110e001f01020408080800',
  '0e11110e11110e000e11110f01020c00000c0c000c0c0000000c0c000c040800020408100804020000001f001f00000008040201020408000e11010204000400',
  '0e11010d15150e000e11111f111111001e11111e11111e000e11101010110e001c12111111121c001f10101e10101f001f10101e101010000e11101711110f00',
  '1111111f111111000e04040404040e000702020202120c0011121418141211001010101010101f00111b15151111110011111915131111000e11111111110e00',
  '1e11111e101010000e11111115120d001e11111e141211000f10100e01011e001f040404040404001111111111110e0011111111110a04001111111515150a00',
  '11110a040a1111001111110a040404001f01020408101f000e08080808080e0000100804020100000e02020202020e00040a1100000000000000000000001f00',
  '080400000000000000000e010f110f001010161911111e0000000e1010110e0001010d1311110f0000000e111f100e000609081c0808080000000f11110f010e',
  '101016191111110004000c0404040e00020006020202120c10101214181412000c04040404040e0000001a1515151500000016191111110000000e1111110e00',
  '00001e11111e101000000f11110f0101000016191010100000000f100e011e0008081c08080906000000111111130d0000001111110a04000000111115150a00',
  '0000110a040a110000001111110f010e00001f0204081f000204040804040200040404040404040008040402040408000000081502000000',
].join('');

export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 8;
/** Blank columns between glyphs, in font pixels. */
const SPACING = 1;
const FIRST = 32;
const LAST = 126;
/** Characters outside ASCII that titles use, drawn as their ASCII look-alikes. */
const SUBSTITUTES: Record<string, string> = { '−': '-', '×': 'x', '–': '-', '—': '-', '…': '...', Δ: 'd', α: 'a', '≈': '~', '’': "'" };

function rowsOf(code: number): number[] {
  const start = (code - FIRST) * GLYPH_HEIGHT * 2;
  return Array.from({ length: GLYPH_HEIGHT }, (_, row) => Number.parseInt(GLYPH_ROWS.slice(start + row * 2, start + row * 2 + 2), 16));
}

/** The text as the font draws it: look-alikes for a few symbols, '?' for anything else unknown. */
export function fontText(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    out += code >= FIRST && code <= LAST ? ch : (SUBSTITUTES[ch] ?? '?');
  }
  return out;
}

/** Width in image pixels of `text` drawn at `size` image pixels per font pixel. */
export function textWidth(text: string, size = 1): number {
  const length = fontText(text).length;
  return length === 0 ? 0 : (length * (GLYPH_WIDTH + SPACING) - SPACING) * size;
}

/** Height in image pixels of one line of text at `size`. */
export function textHeight(size = 1): number {
  return GLYPH_HEIGHT * size;
}

/** The glyph of one printable ASCII character as 8 rows of 5 booleans (leftmost first). */
export function glyph(ch: string): boolean[][] {
  const code = fontText(ch).codePointAt(0) ?? FIRST;
  return rowsOf(code).map((bits) => Array.from({ length: GLYPH_WIDTH }, (_, x) => ((bits >> (GLYPH_WIDTH - 1 - x)) & 1) === 1));
}

/**
 * Draws `text` into `canvas` (in place) with its top-left corner at (x, y), `size` image pixels per font pixel, in `color`.
 * Pixels outside the canvas are skipped.
 */
export function drawText(canvas: RgbaImage, text: string, x: number, y: number, color: Rgb, size = 1): void {
  let penX = x;
  for (const ch of fontText(text)) {
    const rows = glyph(ch);
    rows.forEach((row, gy) =>
      row.forEach((on, gx) => {
        if (!on) return;
        for (let dy = 0; dy < size; dy++) {
          for (let dx = 0; dx < size; dx++) {
            const px = penX + gx * size + dx;
            const py = y + gy * size + dy;
            if (px < 0 || py < 0 || px >= canvas.width || py >= canvas.height) continue;
            const o = (py * canvas.width + px) * 4;
            canvas.data[o] = color[0];
            canvas.data[o + 1] = color[1];
            canvas.data[o + 2] = color[2];
            canvas.data[o + 3] = 255;
          }
        }
      }),
    );
    penX += (GLYPH_WIDTH + SPACING) * size;
  }
}
