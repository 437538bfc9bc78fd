import { functionBackend, type GradientBackend } from '../../src/index.js';

/** Test functions with closed-form Integrated Gradients, one output each. */
export interface ClosedForm {
  readonly name: string;
  readonly backend: GradientBackend;
  /** IG for one example (float64), given input and baseline. */
  expected(x: ArrayLike<number>, baseline: ArrayLike<number>): number[];
}

const softplus = (z: number): number => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** F(x) = Σ wᵢxᵢ²: IGᵢ = wᵢ(xᵢ² − x'ᵢ²). */
export function weightedSquares(w: readonly number[]): ClosedForm {
  return {
    name: 'Σ wᵢxᵢ²',
    backend: functionBackend({
      forward: ([x]) => [Array.from(x as Float32Array).reduce((s, v, i) => s + (w[i] as number) * v * v, 0)],
      gradient: ([x], [seed]) => [Float32Array.from(x as Float32Array, (v, i) => (seed as number) * 2 * (w[i] as number) * v)],
    }),
    expected: (x, b) => w.map((wi, i) => wi * ((x[i] as number) ** 2 - (b[i] as number) ** 2)),
  };
}

/**
 * F(x) = Πᵢ xᵢ. Along the path each partial derivative is a polynomial in α of degree n − 1;
 * the expected IG integrates it exactly (Gauss–Legendre in float64 with n points).
 */
export function product(n: number): ClosedForm {
  const prod = (x: ArrayLike<number>, skip: number): number => {
    let p = 1;
    for (let i = 0; i < n; i++) if (i !== skip) p *= x[i] as number;
    return p;
  };
  return {
    name: 'Π xᵢ',
    backend: functionBackend({
      forward: ([x]) => [prod(x as Float32Array, -1)],
      gradient: ([x], [seed]) => [Float32Array.from({ length: n }, (_, i) => (seed as number) * prod(x as Float32Array, i))],
    }),
    expected: (x, b) =>
      Array.from({ length: n }, (_, i) => {
        // ∫₀¹ Π_{j≠i} (b_j + α d_j) dα by expanding the polynomial coefficients.
        let coefficients = [1];
        for (let j = 0; j < n; j++) {
          if (j === i) continue;
          const d = (x[j] as number) - (b[j] as number);
          const next = new Array<number>(coefficients.length + 1).fill(0);
          coefficients.forEach((c, k) => {
            next[k] = (next[k] as number) + c * (b[j] as number);
            next[k + 1] = (next[k + 1] as number) + c * d;
          });
          coefficients = next;
        }
        const integral = coefficients.reduce((s, c, k) => s + c / (k + 1), 0);
        return ((x[i] as number) - (b[i] as number)) * integral;
      }),
  };
}

/** F(x) = softplus(w·x + c): IGᵢ = wᵢdᵢ·(softplus(z) − softplus(z'))/(z − z'). */
export function softplusOfLinear(w: readonly number[], c: number): ClosedForm {
  const z = (x: ArrayLike<number>): number => w.reduce((s, wi, i) => s + wi * (x[i] as number), c);
  return {
    name: 'softplus(w·x + c)',
    backend: functionBackend({
      forward: ([x]) => [softplus(z(x as Float32Array))],
      gradient: ([x], [seed]) => [Float32Array.from(w, (wi) => (seed as number) * wi * sigmoid(z(x as Float32Array)))],
    }),
    expected: (x, b) => {
      const zx = z(x);
      const zb = z(b);
      const ratio = (softplus(zx) - softplus(zb)) / (zx - zb);
      return w.map((wi, i) => wi * ((x[i] as number) - (b[i] as number)) * ratio);
    },
  };
}
