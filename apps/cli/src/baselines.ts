import { broadcastTo, seededRandom } from '@ig/core';
import type { BaselineSpec, Tensor } from '@ig/core';
import { CliError, UsageError } from './errors.js';
import { readNpyFile } from './files.js';
import { readNpyHeaderOnly } from './limits.js';
import { toFloat32 } from './npy.js';
import { checkFinite, type LoadedInput } from './inputs.js';
import { checkBaselineMemory } from './baseline-memory.js';

export interface BaselineSettings {
  readonly baseline: string;
  readonly baselineCount: number;
  readonly seed: number;
}

function range(data: Float32Array): { min: number; max: number; mean: number; std: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of data) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  const mean = sum / data.length;
  let sq = 0;
  for (const v of data) sq += (v - mean) ** 2;
  return { min, max, mean, std: Math.sqrt(sq / data.length) };
}

/** Index of the channel of each flat element of a rank-4 image tensor (0 for other ranks). */
function channelOf(input: LoadedInput, flat: number): number {
  const shape = input.tensor.shape;
  if (shape.length !== 4) return 0;
  const [, a, b, c] = shape as [number, number, number, number];
  return input.layout === 'nchw' ? Math.floor(flat / (b * c)) % a : flat % c;
}

/** A tensor of image pixel values (in [0, 1] before normalization) shaped like the input. */
function pixelTensor(input: LoadedInput, pixel: (flat: number) => number): Tensor {
  const norm = input.normalization;
  const data = new Float32Array(input.tensor.data.length);
  for (let i = 0; i < data.length; i++) {
    const ch = channelOf(input, i);
    const value = pixel(i);
    data[i] = norm ? (value - (norm.mean[ch] ?? 0)) / (norm.std[ch] ?? 1) : value;
  }
  return { data, shape: [...input.tensor.shape] };
}

function blurred(input: LoadedInput): Tensor {
  const shape = input.tensor.shape;
  if (shape.length !== 4) throw new UsageError(`--baseline blur needs an image-shaped input [N, C, H, W] or [N, H, W, C]; this one is [${shape.join(', ')}]`);
  const [n, a, b, c] = shape as [number, number, number, number];
  const [channels, height, width] = input.layout === 'nchw' ? [a, b, c] : [c, a, b];
  const sigma = Math.max(height, width) / 8;
  const radius = Math.ceil(3 * sigma);
  const kernel = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const total = kernel.reduce((s, v) => s + v, 0);
  const weights = kernel.map((v) => v / total);
  const index = (e: number, ch: number, y: number, x: number): number =>
    input.layout === 'nchw' ? ((e * channels + ch) * height + y) * width + x : ((e * height + y) * width + x) * channels + ch;
  // Separable Gaussian, edges clamped: one pass along x, then one along y.
  const pass = (from: Float32Array, alongX: boolean): Float32Array => {
    const to = new Float32Array(from.length);
    for (let e = 0; e < n; e++) {
      for (let ch = 0; ch < channels; ch++) {
        for (let y = 0; y < height; y++) {
          for (let x = 0; x < width; x++) {
            let sum = 0;
            weights.forEach((w, k) => {
              const at = alongX
                ? index(e, ch, y, Math.min(width - 1, Math.max(0, x + k - radius)))
                : index(e, ch, Math.min(height - 1, Math.max(0, y + k - radius)), x);
              sum += w * (from[at] as number);
            });
            to[index(e, ch, y, x)] = sum;
          }
        }
      }
    }
    return to;
  };
  const out = pass(pass(input.tensor.data, true), false);
  return { data: out, shape: [...shape] };
}

/**
 * The baseline named on the command line:
 * zero — all zeros; black / white — pixel 0 / 1 after the image normalization (0 / 1 for .npy);
 * uniform — pixels drawn from U(0, 1) (for .npy: U(min, max) of the input);
 * gaussian — N(mean, std²) of the input's values; blur — the input blurred with σ = max(H, W)/8;
 * FILE.npy — that array, broadcast to the input.
 */
export function buildBaselines(settings: BaselineSettings, input: LoadedInput): BaselineSpec {
  const kind = settings.baseline;
  const fromImage = input.image !== null;
  const generator = seededRandom(settings.seed);
  const random = generator.uniform;
  const normal = generator.normal;
  const stats = range(input.tensor.data);
  const sample = (): Tensor => {
    if (kind === 'uniform') {
      return fromImage
        ? pixelTensor(input, () => random())
        : { data: input.tensor.data.map(() => stats.min + (stats.max - stats.min) * random()), shape: [...input.tensor.shape] };
    }
    return { data: input.tensor.data.map(() => stats.mean + stats.std * normal()), shape: [...input.tensor.shape] };
  };
  switch (kind) {
    case 'zero':
      return 0;
    case 'black':
      return fromImage ? pixelTensor(input, () => 0) : 0;
    case 'white':
      return fromImage ? pixelTensor(input, () => 1) : 1;
    case 'uniform':
    case 'gaussian':
      checkBaselineMemory(settings.baselineCount, input.tensor.data.length);
      return settings.baselineCount > 1 ? { average: Array.from({ length: settings.baselineCount }, sample) } : sample();
    case 'blur':
      return blurred(input);
    default: {
      // A baseline broadcasts to the input, so it never holds more values: checked before its body is read.
      const count = readNpyHeaderOnly(kind, 'baseline').shape.reduce((a, b) => a * b, 1);
      if (count > input.tensor.data.length) {
        throw new CliError(
          `baseline ${kind} has ${count} values, more than the input's ${input.tensor.data.length}; it must broadcast to the input's shape [${input.tensor.shape.join(', ')}]`,
        );
      }
      const array = readNpyFile(kind, 'baseline');
      const data = toFloat32(array);
      // The core's own rule, so that a file refused here is one the run would refuse.
      if (broadcastTo({ data, shape: [...array.shape] }, input.tensor.shape) === null) {
        throw new CliError(
          `baseline ${kind} has shape [${array.shape.join(', ')}], which does not broadcast to the input's shape [${input.tensor.shape.join(', ')}] (aligned from the last axis, each of its axes must be 1 or the input's)`,
        );
      }
      checkFinite(data, array.shape, kind, array.data);
      return { data, shape: [...array.shape] };
    }
  }
}
