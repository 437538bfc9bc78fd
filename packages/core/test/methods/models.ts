import { functionBackend, type GradientBackend } from '../../src/index.js';

/**
 * Three outputs, each a quadratic in five features: zⱼ = Σᵢ Wⱼᵢxᵢ + ½Σᵢ Vⱼᵢxᵢ²,
 * so ∂(Σⱼ wⱼzⱼ)/∂xᵢ = Σⱼ wⱼ(Wⱼᵢ + Vⱼᵢxᵢ), in float64 (float32 in and out).
 */
export const W = [
  [0.8, -0.4, 0.3, 0.1, -0.6],
  [-0.2, 0.9, -0.5, 0.4, 0.2],
  [0.5, 0.1, 0.7, -0.8, 0.3],
];
export const V = [
  [0.3, 0.1, -0.2, 0.4, 0.05],
  [-0.1, 0.25, 0.3, -0.15, 0.2],
  [0.2, -0.3, 0.1, 0.05, -0.25],
];

export function logits(x: ArrayLike<number>): number[] {
  return W.map((row, j) => row.reduce((s, wji, i) => s + wji * (x[i] as number) + 0.5 * ((V[j] as number[])[i] as number) * (x[i] as number) ** 2, 0));
}

export const quadraticLogits: GradientBackend = functionBackend(
  {
    forward: ([x]) => logits(x as Float32Array),
    gradient: ([x], weights) => [
      Float32Array.from(x as Float32Array, (xi, i) =>
        W.reduce((s, row, j) => s + (weights[j] as number) * ((row[i] as number) + ((V[j] as number[])[i] as number) * xi), 0),
      ),
    ],
  },
  'quadratic-logits',
);

export const softmax = (z: readonly number[]): number[] => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

/** Central differences of f at x (float64). */
export function finiteDifference(f: (x: number[]) => number, x: readonly number[], h = 1e-5): number[] {
  return x.map((_, i) => {
    const up = [...x];
    const down = [...x];
    up[i] = (up[i] as number) + h;
    down[i] = (down[i] as number) - h;
    return (f(up) - f(down)) / (2 * h);
  });
}

/** F(x) = Σ wᵢxᵢ (one output). */
export function linearModel(w: readonly number[]): GradientBackend {
  return functionBackend(
    {
      forward: ([x]) => [Array.from(x as Float32Array).reduce((s, v, i) => s + (w[i] as number) * v, 0)],
      gradient: ([x], [seed]) => [Float32Array.from(x as Float32Array, (_, i) => (seed as number) * (w[i] as number))],
    },
    'linear',
  );
}
