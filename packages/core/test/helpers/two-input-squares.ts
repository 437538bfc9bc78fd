import { tensor, type GradientBackend, type GradientRequest, type Tensor } from '../../src/index.js';

/**
 * A batched two-input, two-output model with closed-form Integrated Gradients:
 * o0 = Σ aᵢxᵢ² + Σ bⱼyⱼ², o1 = Σ cᵢxᵢ². For the objective s0·o0 + s1·o1,
 * IG(x)ᵢ = (s0·aᵢ + s1·cᵢ)(xᵢ² − x'ᵢ²) and IG(y)ⱼ = s0·bⱼ(yⱼ² − y'ⱼ²), which Gauss–Legendre
 * integrates exactly.
 */
export const X_SIZE = 37;
export const Y_SIZE = 130;

const a = Array.from({ length: X_SIZE }, (_, i) => Math.sin(i + 1));
const b = Array.from({ length: Y_SIZE }, (_, j) => Math.cos(0.7 * j));
const c = Array.from({ length: X_SIZE }, (_, i) => 0.5 - ((i * 7) % 11) / 10);

/** Where the backend puts its gradients: the offered buffers, or arrays of its own. */
export type GradientTarget = 'offered' | 'own';

export interface TwoInputSquares {
  readonly backend: GradientBackend;
  readonly requests: GradientRequest[];
}

export function twoInputSquares(
  target: GradientTarget,
  corrupt?: (request: GradientRequest, gradients: Float32Array[], call: number) => void,
): TwoInputSquares {
  const requests: GradientRequest[] = [];
  const outputs = (x: Float32Array, y: Float32Array, k: number): [number, number] => {
    let o0 = 0;
    let o1 = 0;
    for (let i = 0; i < X_SIZE; i++) {
      const v = x[k * X_SIZE + i] as number;
      o0 += (a[i] as number) * v * v;
      o1 += (c[i] as number) * v * v;
    }
    for (let j = 0; j < Y_SIZE; j++) o0 += (b[j] as number) * (y[k * Y_SIZE + j] as number) ** 2;
    return [o0, o1];
  };
  const backend: GradientBackend = {
    name: `two-input squares (${target} gradient arrays)`,
    predict: async ({ points: [x, y], count }) =>
      Float32Array.from({ length: 2 * count }, (_, n) => outputs(x as Float32Array, y as Float32Array, Math.floor(n / 2))[n % 2] as number),
    gradients: async (request) => {
      requests.push(request);
      const [x, y] = request.points as [Float32Array, Float32Array];
      const { count, outputWeights } = request;
      const offered = request.gradientBuffers;
      const gradients =
        target === 'offered' && offered !== undefined
          ? [offered[0] as Float32Array, offered[1] as Float32Array]
          : [new Float32Array(count * X_SIZE), new Float32Array(count * Y_SIZE)];
      const [gx, gy] = gradients as [Float32Array, Float32Array];
      const objective = new Float32Array(count);
      for (let k = 0; k < count; k++) {
        const s0 = outputWeights[2 * k] as number;
        const s1 = outputWeights[2 * k + 1] as number;
        for (let i = 0; i < X_SIZE; i++) gx[k * X_SIZE + i] = 2 * (x[k * X_SIZE + i] as number) * (s0 * (a[i] as number) + s1 * (c[i] as number));
        for (let j = 0; j < Y_SIZE; j++) gy[k * Y_SIZE + j] = 2 * (y[k * Y_SIZE + j] as number) * s0 * (b[j] as number);
        const [o0, o1] = outputs(x, y, k);
        objective[k] = s0 * o0 + s1 * o1;
      }
      corrupt?.(request, gradients, requests.length - 1);
      return { objective, gradients };
    },
    dispose: () => undefined,
  };
  return { backend, requests };
}

/** Two examples of each input, and a non-zero baseline for each. */
export const inputs: Tensor[] = [
  tensor(
    Array.from({ length: 2 * X_SIZE }, (_, i) => Math.sin(1.3 * i) * 2),
    [2, X_SIZE],
  ),
  tensor(
    Array.from({ length: 2 * Y_SIZE }, (_, j) => Math.cos(0.9 * j) + 0.5),
    [2, Y_SIZE],
  ),
];
export const baselines: Tensor[] = [
  tensor(
    Array.from({ length: X_SIZE }, (_, i) => 0.1 * Math.cos(i)),
    [1, X_SIZE],
  ),
  tensor(
    Array.from({ length: Y_SIZE }, (_, j) => -0.2 * Math.sin(j)),
    [1, Y_SIZE],
  ),
];

/** Expected attributions [2 examples, 2 targets, size] per input for targets { classes: [0, 1] }. */
export function expectedAttributions(zeroBaseline: boolean): [number[], number[]] {
  const ex: number[] = [];
  const ey: number[] = [];
  for (let e = 0; e < 2; e++) {
    for (const [s0, s1] of [
      [1, 0],
      [0, 1],
    ] as const) {
      for (let i = 0; i < X_SIZE; i++) {
        const x = inputs[0]?.data[e * X_SIZE + i] as number;
        const x0 = zeroBaseline ? 0 : (baselines[0]?.data[i] as number);
        ex.push((s0 * (a[i] as number) + s1 * (c[i] as number)) * (x * x - x0 * x0));
      }
      for (let j = 0; j < Y_SIZE; j++) {
        const y = inputs[1]?.data[e * Y_SIZE + j] as number;
        const y0 = zeroBaseline ? 0 : (baselines[1]?.data[j] as number);
        ey.push(s0 * (b[j] as number) * (y * y - y0 * y0));
      }
    }
  }
  return [ex, ey];
}
