/** Float64 building blocks of the reference layers (float64-layers.ts, float64-recurrent.ts). */

/** One example (no batch axis) in float64, row-major. */
export interface Array64 {
  readonly data: Float64Array;
  readonly shape: readonly number[];
}

export type Config = Record<string, unknown>;
export type Weights = readonly Float64Array[];

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** erf by its Maclaurin series: below |v| = 4 the largest term is under 1e7, so float64 keeps ~1e-9 of it. */
export function erf(v: number): number {
  if (Math.abs(v) > 4) throw new Error(`the float64 erf reference is only accurate for |v| ≤ 4, got ${v}`);
  let term = v;
  let sum = v;
  for (let n = 1; n < 120; n++) {
    term *= (-v * v) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

export const ACTIVATIONS: Record<string, (v: number) => number> = {
  linear: (v) => v,
  relu: (v) => Math.max(v, 0),
  tanh: Math.tanh,
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  elu: (v) => (v > 0 ? v : Math.expm1(v)),
  softplus: (v) => Math.log1p(Math.exp(v)),
  // tfjs-layers' K.hardSigmoid: clip(0.2·v + 0.5, 0, 1), the default gate of its GRU and LSTM
  hardSigmoid: (v) => Math.min(1, Math.max(0, 0.2 * v + 0.5)),
  softsign: (v) => v / (1 + Math.abs(v)),
  selu: (v) => SELU_SCALE * (v > 0 ? v : SELU_ALPHA * Math.expm1(v)),
  swish: (v) => v / (1 + Math.exp(-v)),
  mish: (v) => v * Math.tanh(Math.log1p(Math.exp(v))),
  gelu: (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)),
  gelu_new: (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))),
};

export function activate(config: Config, x: Array64): Array64 {
  const name = (config['activation'] as string | undefined) ?? 'linear';
  if (name === 'softmax') return softmax(x);
  const f = ACTIVATIONS[name];
  if (f === undefined) throw new Error(`no float64 reference for activation ${name}`);
  return { data: x.data.map(f), shape: x.shape };
}

function softmax(x: Array64): Array64 {
  const width = x.shape[x.shape.length - 1] as number;
  const data = new Float64Array(x.data.length);
  for (let start = 0; start < x.data.length; start += width) {
    const row = x.data.subarray(start, start + width);
    const top = Math.max(...row);
    const exps = row.map((v) => Math.exp(v - top));
    const total = exps.reduce((a, b) => a + b, 0);
    exps.forEach((e, j) => (data[start + j] = e / total));
  }
  return { data, shape: x.shape };
}

/** x[..., i] · kernel[i, j] (+ bias[j]) over the last axis. */
export function dense(x: Array64, kernel: Float64Array, bias?: Float64Array): Array64 {
  const inner = x.shape[x.shape.length - 1] as number;
  const units = kernel.length / inner;
  const rows = x.data.length / inner;
  const data = new Float64Array(rows * units);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < units; j++) {
      let sum = bias?.[j] ?? 0;
      for (let i = 0; i < inner; i++) sum += (x.data[r * inner + i] as number) * (kernel[i * units + j] as number);
      data[r * units + j] = sum;
    }
  }
  return { data, shape: [...x.shape.slice(0, -1), units] };
}
