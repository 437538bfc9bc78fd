/** Grayscale and binary morphology on row-major pixel maps; windows are clipped at the border. */

function windowExtreme(values: Float64Array, width: number, height: number, size: number, pick: (a: number, b: number) => number): Float64Array {
  const before = Math.floor((size - 1) / 2);
  const after = size - 1 - before;
  const out = new Float64Array(values.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let best = values[y * width + x] as number;
      for (let yy = Math.max(0, y - before); yy <= Math.min(height - 1, y + after); yy++) {
        for (let xx = Math.max(0, x - before); xx <= Math.min(width - 1, x + after); xx++) {
          best = pick(best, values[yy * width + xx] as number);
        }
      }
      out[y * width + x] = best;
    }
  }
  return out;
}

export function greyDilation(values: Float64Array, width: number, height: number, size: number): Float64Array {
  return windowExtreme(values, width, height, size, Math.max);
}

export function greyErosion(values: Float64Array, width: number, height: number, size: number): Float64Array {
  return windowExtreme(values, width, height, size, Math.min);
}

/** Closing then opening with a size×size square: fills small gaps, then drops small specks. */
export function morphologicalCleanup(values: Float64Array, width: number, height: number, size = 3): Float64Array {
  const closed = greyErosion(greyDilation(values, width, height, size), width, height, size);
  return greyDilation(greyErosion(closed, width, height, size), width, height, size);
}

/** 8-connected components of a mask: a label per pixel (0 = background) and the label count. */
export function labelComponents(mask: Uint8Array, width: number, height: number): { labels: Int32Array; count: number } {
  const labels = new Int32Array(mask.length);
  let count = 0;
  const stack: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || labels[start]) continue;
    count++;
    labels[start] = count;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop() as number;
      const x = p % width;
      const y = (p - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
          const q = ny * width + nx;
          if (mask[q] && !labels[q]) {
            labels[q] = count;
            stack.push(q);
          }
        }
      }
    }
  }
  return { labels, count };
}

/** Sets every background pixel that the border cannot reach (4-connected) — the mask's holes. */
export function fillHoles(mask: Uint8Array, width: number, height: number): Uint8Array {
  const outside = new Uint8Array(mask.length);
  const stack: number[] = [];
  const seed = (p: number): void => {
    if (!mask[p] && !outside[p]) {
      outside[p] = 1;
      stack.push(p);
    }
  };
  for (let x = 0; x < width; x++) {
    seed(x);
    seed((height - 1) * width + x);
  }
  for (let y = 0; y < height; y++) {
    seed(y * width);
    seed(y * width + width - 1);
  }
  while (stack.length > 0) {
    const p = stack.pop() as number;
    const x = p % width;
    const y = (p - x) / width;
    if (x > 0) seed(p - 1);
    if (x < width - 1) seed(p + 1);
    if (y > 0) seed(p - width);
    if (y < height - 1) seed(p + width);
  }
  return outside.map((o) => (o ? 0 : 1));
}

/** Pixels of the mask with a 4-neighbour outside it (or on the image edge): its outline. */
export function maskBorder(mask: Uint8Array, width: number, height: number): Uint8Array {
  const border = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (!mask[p]) continue;
      const interior = x > 0 && x < width - 1 && y > 0 && y < height - 1 && mask[p - 1] && mask[p + 1] && mask[p - width] && mask[p + width];
      if (!interior) border[p] = 1;
    }
  }
  return border;
}
