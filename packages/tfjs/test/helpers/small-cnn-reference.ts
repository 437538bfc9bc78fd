/**
 * small_cnn's forward pass and input gradient in plain float64 JavaScript, NCHW with the PyTorch
 * weights, independent of tfjs. The max-pool tie rule is a parameter: PyTorch (and the tfjs cpu
 * kernel) send a window's gradient to its first maximum in row-major order, the tfjs wasm kernel
 * to its last. relu'(0) = 0, as in both frameworks.
 */
import { captumWeight } from '@ig/test-fixtures';

export type MaxPoolTieRule = 'first' | 'last';

const SIZE = 28;
const POOLED = 14;
const C1 = 8;
const C2 = 16;
const CLASSES = 10;

interface Weights {
  readonly w1: Float32Array; // [8, 1, 3, 3]
  readonly b1: Float32Array;
  readonly w2: Float32Array; // [16, 8, 3, 3]
  readonly b2: Float32Array;
  readonly w3: Float32Array; // [10, 16]
  readonly b3: Float32Array;
}

let cached: Weights | undefined;
function weights(): Weights {
  const read = (name: string): Float32Array => captumWeight('small_cnn', name).data;
  cached ??= {
    w1: read('conv1.weight_bn_folded'),
    b1: read('conv1.bias_bn_folded'),
    w2: read('features.4.weight'),
    b2: read('features.4.bias'),
    w3: read('classifier.weight'),
    b3: read('classifier.bias'),
  };
  return cached;
}

/** 3×3 convolution with padding 1: input [cin, n, n] → output [cout, n, n]. */
function conv3x3(input: Float64Array, cin: number, n: number, w: Float32Array, b: Float32Array, cout: number): Float64Array {
  const out = new Float64Array(cout * n * n);
  for (let o = 0; o < cout; o++) {
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        let s = b[o] as number;
        for (let i = 0; i < cin; i++) {
          for (let ky = 0; ky < 3; ky++) {
            const yy = y + ky - 1;
            if (yy < 0 || yy >= n) continue;
            for (let kx = 0; kx < 3; kx++) {
              const xx = x + kx - 1;
              if (xx < 0 || xx >= n) continue;
              s += (w[((o * cin + i) * 3 + ky) * 3 + kx] as number) * (input[(i * n + yy) * n + xx] as number);
            }
          }
        }
        out[(o * n + y) * n + x] = s;
      }
    }
  }
  return out;
}

/** The transpose of conv3x3 (without bias): output gradient [cout, n, n] → input gradient [cin, n, n]. */
function conv3x3Transpose(grad: Float64Array, cin: number, n: number, w: Float32Array, cout: number): Float64Array {
  const out = new Float64Array(cin * n * n);
  for (let o = 0; o < cout; o++) {
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        const g = grad[(o * n + y) * n + x] as number;
        if (g === 0) continue;
        for (let i = 0; i < cin; i++) {
          for (let ky = 0; ky < 3; ky++) {
            const yy = y + ky - 1;
            if (yy < 0 || yy >= n) continue;
            for (let kx = 0; kx < 3; kx++) {
              const xx = x + kx - 1;
              if (xx < 0 || xx >= n) continue;
              out[(i * n + yy) * n + xx] = (out[(i * n + yy) * n + xx] as number) + g * (w[((o * cin + i) * 3 + ky) * 3 + kx] as number);
            }
          }
        }
      }
    }
  }
  return out;
}

/** The logits and d logits[target] / d input for one NCHW image [1, 28, 28]. */
export function smallCnnGradient(image: ArrayLike<number>, target: number, tieRule: MaxPoolTieRule): { logits: Float64Array; gradient: Float64Array } {
  const { w1, b1, w2, b2, w3, b3 } = weights();
  const a1 = conv3x3(Float64Array.from(image), 1, SIZE, w1, b1, C1);
  const r1 = a1.map((v) => Math.max(0, v));
  const pooled = new Float64Array(C1 * POOLED * POOLED);
  const argmax = new Int32Array(pooled.length);
  for (let c = 0; c < C1; c++) {
    for (let y = 0; y < POOLED; y++) {
      for (let x = 0; x < POOLED; x++) {
        let best = -Infinity;
        let at = -1;
        for (const [dy, dx] of [
          [0, 0],
          [0, 1],
          [1, 0],
          [1, 1],
        ] as const) {
          const index = (c * SIZE + 2 * y + dy) * SIZE + 2 * x + dx;
          const v = r1[index] as number;
          if (v > best || (tieRule === 'last' && v === best)) [best, at] = [v, index];
        }
        pooled[(c * POOLED + y) * POOLED + x] = best;
        argmax[(c * POOLED + y) * POOLED + x] = at;
      }
    }
  }
  const a2 = conv3x3(pooled, C1, POOLED, w2, b2, C2);
  const area = POOLED * POOLED;
  const features = Array.from({ length: C2 }, (_, c) => a2.subarray(c * area, (c + 1) * area).reduce((s, v) => s + Math.max(0, v), 0) / area);
  const logits = Float64Array.from({ length: CLASSES }, (_, k) => features.reduce((s, f, c) => s + (w3[k * C2 + c] as number) * f, b3[k] as number));

  const da2 = a2.map((v, i) => (v > 0 ? (w3[target * C2 + Math.floor(i / area)] as number) / area : 0));
  const dPooled = conv3x3Transpose(da2, C1, POOLED, w2, C2);
  const da1 = new Float64Array(a1.length);
  argmax.forEach((index, p) => {
    if ((a1[index] as number) > 0) da1[index] = (da1[index] as number) + (dPooled[p] as number);
  });
  return { logits, gradient: conv3x3Transpose(da1, 1, SIZE, w1, C1) };
}
