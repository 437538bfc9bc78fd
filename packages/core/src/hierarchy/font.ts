/** A 3×5 pixel font for the characters of a number ("-12.5"). */
const GLYPHS: Readonly<Record<string, readonly string[]>> = {
  '0': ['111', '101', '101', '101', '111'],
  '1': ['010', '110', '010', '010', '111'],
  '2': ['111', '001', '111', '100', '111'],
  '3': ['111', '001', '111', '001', '111'],
  '4': ['101', '101', '111', '001', '001'],
  '5': ['111', '100', '111', '001', '111'],
  '6': ['111', '100', '111', '101', '111'],
  '7': ['111', '001', '010', '010', '010'],
  '8': ['111', '101', '111', '101', '111'],
  '9': ['111', '101', '111', '001', '111'],
  '-': ['000', '000', '111', '000', '000'],
  '.': ['000', '000', '000', '000', '010'],
  e: ['000', '111', '111', '100', '111'],
};

/** A score in the characters the font has: 3 significant digits, an exponent below 0.01. */
export function formatScore(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude === 0) return '0';
  if (magnitude < 0.01) return value.toExponential(1).replace('+', '');
  return magnitude >= 100 ? value.toFixed(0) : magnitude >= 10 ? value.toFixed(1) : magnitude >= 1 ? value.toFixed(2) : value.toFixed(3);
}

/** Pixels (x, y) set by `text` at `size` pixels per font pixel; 4 font pixels per character. */
export function textPixels(text: string, size: number): { width: number; height: number; pixels: [number, number][] } {
  const pixels: [number, number][] = [];
  [...text].forEach((ch, k) => {
    const glyph = GLYPHS[ch];
    if (!glyph) return;
    glyph.forEach((row, y) => {
      [...row].forEach((bit, x) => {
        if (bit !== '1') return;
        for (let dy = 0; dy < size; dy++) for (let dx = 0; dx < size; dx++) pixels.push([(k * 4 + x) * size + dx, y * size + dy]);
      });
    });
  });
  return { width: Math.max(0, text.length * 4 - 1) * size, height: 5 * size, pixels };
}
