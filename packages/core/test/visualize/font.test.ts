import { describe, expect, it } from 'vitest';
import { drawText, fontText, glyph, textHeight, textWidth } from '../../src/visualize/index.js';

const art = (rows: boolean[][]): string[] => rows.map((r) => r.map((on) => (on ? '#' : '.')).join(''));

describe('bitmap font', () => {
  it('draws letters, digits and descenders as 5×8 glyphs', () => {
    expect(art(glyph('A'))).toEqual(['.###.', '#...#', '#...#', '#####', '#...#', '#...#', '#...#', '.....']);
    expect(art(glyph('7'))).toEqual(['#####', '....#', '...#.', '..#..', '.#...', '.#...', '.#...', '.....']);
    // g uses the descender row
    expect(art(glyph('g'))[7]).toBe('.###.');
    expect(art(glyph(' ')).join('')).toBe('.'.repeat(40));
  });
  it('every printable ASCII character but space has ink, and no two share a glyph', () => {
    const seen = new Set<string>();
    for (let code = 33; code <= 126; code++) {
      const drawn = art(glyph(String.fromCharCode(code))).join('');
      expect(drawn).toContain('#');
      expect(seen.has(drawn)).toBe(false);
      seen.add(drawn);
    }
  });
  it('substitutes look-alikes for −, × and Δ, and ? for other characters', () => {
    expect(fontText('−1 × 2 Δ 猫')).toBe('-1 x 2 d ?');
  });
  it('measures 6 px per character less the last gap, times the size', () => {
    expect(textWidth('ab')).toBe(11);
    expect(textWidth('ab', 2)).toBe(22);
    expect(textWidth('')).toBe(0);
    expect(textHeight(3)).toBe(24);
  });
  it('draws each lit font pixel as a size × size block in the colour, and nothing else', () => {
    const canvas = { width: 30, height: 20, data: new Uint8ClampedArray(30 * 20 * 4) };
    drawText(canvas, 'A1', 2, 1, [10, 20, 30], 2);
    const a = glyph('A');
    const one = glyph('1');
    for (let y = 0; y < 20; y++) {
      for (let x = 0; x < 30; x++) {
        const gx = x - 2;
        const gy = y - 1;
        const inA = gx >= 0 && gx < 10 && gy >= 0 && gy < 16 && (a[gy >> 1] as boolean[])[gx >> 1] === true;
        const inOne = gx >= 12 && gx < 22 && gy >= 0 && gy < 16 && (one[gy >> 1] as boolean[])[(gx - 12) >> 1] === true;
        const o = (y * 30 + x) * 4;
        expect(Array.from(canvas.data.subarray(o, o + 4))).toEqual(inA || inOne ? [10, 20, 30, 255] : [0, 0, 0, 0]);
      }
    }
  });
});
