import type { Array64, Config } from './float64-math.js';

/** Float64 convolutions of one example (no batch axis), NHWC / NDHWC as tfjs-layers lays them out. */

/** TensorFlow's 'same' padding puts the odd pixel at the end. */
export function padding(size: number, kernel: number, stride: number, dilation: number, mode: string): { out: number; before: number } {
  const span = (kernel - 1) * dilation + 1;
  if (mode === 'valid') return { out: Math.floor((size - span) / stride) + 1, before: 0 };
  const out = Math.ceil(size / stride);
  return { out, before: Math.floor(Math.max((out - 1) * stride + span - size, 0) / 2) };
}

/**
 * NHWC convolution of one [H, W, C] example. Full: kernel [kh, kw, C, outChannels]. Depthwise:
 * kernel [kh, kw, C, multiplier], output channel c·multiplier + m reads input channel c only.
 */
export function conv(x: Array64, kernel: Float64Array, [kh, kw]: number[], perGroup: number, config: Config, depthwise: boolean): Array64 {
  const [height, width, channels] = x.shape as [number, number, number];
  const [sh, sw] = (config['strides'] as number[] | undefined) ?? [1, 1];
  const dilation = config['dilationRate'] as number | number[] | undefined;
  const [dh, dw] = Array.isArray(dilation) ? dilation : [dilation ?? 1, dilation ?? 1];
  const mode = (config['padding'] as string | undefined) ?? 'valid';
  const rows = padding(height, kh as number, sh as number, dh as number, mode);
  const cols = padding(width, kw as number, sw as number, dw as number, mode);
  const outChannels = depthwise ? channels * perGroup : perGroup;
  const data = new Float64Array(rows.out * cols.out * outChannels);
  for (let oy = 0; oy < rows.out; oy++) {
    for (let ox = 0; ox < cols.out; ox++) {
      for (let ky = 0; ky < (kh as number); ky++) {
        const y = oy * (sh as number) + ky * (dh as number) - rows.before;
        if (y < 0 || y >= height) continue;
        for (let kx = 0; kx < (kw as number); kx++) {
          const xx = ox * (sw as number) + kx * (dw as number) - cols.before;
          if (xx < 0 || xx >= width) continue;
          const at = (oy * cols.out + ox) * outChannels;
          for (let c = 0; c < channels; c++) {
            const v = x.data[(y * width + xx) * channels + c] as number;
            const tap = ((ky * (kw as number) + kx) * channels + c) * perGroup;
            for (let o = 0; o < perGroup; o++) {
              const out = depthwise ? c * perGroup + o : o;
              data[at + out] = (data[at + out] as number) + v * (kernel[tap + o] as number);
            }
          }
        }
      }
    }
  }
  return { data, shape: [rows.out, cols.out, outChannels] };
}

/**
 * Conv2DTranspose of [H, W, C] with kernel [kh, kw, filters, C]: the adjoint of a Conv2D from the
 * output size Keras picks (H·s, plus max(k − s, 0) for 'valid') back to the input.
 */
export function conv2dTranspose(x: Array64, kernel: Float64Array, [kh, kw]: readonly number[], filters: number, config: Config): Array64 {
  const [height, width, channels] = x.shape as [number, number, number];
  const [sh, sw] = (config['strides'] as number[] | undefined) ?? [1, 1];
  const mode = (config['padding'] as string | undefined) ?? 'valid';
  const length = (size: number, k: number, s: number): number => size * s + (mode === 'valid' ? Math.max(k - s, 0) : 0);
  const outH = length(height, kh as number, sh as number);
  const outW = length(width, kw as number, sw as number);
  const top = padding(outH, kh as number, sh as number, 1, mode).before;
  const left = padding(outW, kw as number, sw as number, 1, mode).before;
  const data = new Float64Array(outH * outW * filters);
  for (let iy = 0; iy < height; iy++) {
    for (let ix = 0; ix < width; ix++) {
      for (let ky = 0; ky < (kh as number); ky++) {
        const y = iy * (sh as number) + ky - top;
        if (y < 0 || y >= outH) continue;
        for (let kx = 0; kx < (kw as number); kx++) {
          const xx = ix * (sw as number) + kx - left;
          if (xx < 0 || xx >= outW) continue;
          for (let o = 0; o < filters; o++) {
            let sum = 0;
            for (let c = 0; c < channels; c++)
              sum += (x.data[(iy * width + ix) * channels + c] as number) * (kernel[((ky * (kw as number) + kx) * filters + o) * channels + c] as number);
            data[(y * outW + xx) * filters + o] = (data[(y * outW + xx) * filters + o] as number) + sum;
          }
        }
      }
    }
  }
  return { data, shape: [outH, outW, filters] };
}

/** Conv3D of [D, H, W, C] with kernel [kd, kh, kw, C, filters], stride 1. */
export function conv3d(x: Array64, kernel: Float64Array, kernelSize: readonly number[], filters: number, config: Config): Array64 {
  const [depth, height, width, channels] = x.shape as [number, number, number, number];
  const mode = (config['padding'] as string | undefined) ?? 'valid';
  const sizes = [depth, height, width];
  const axes = sizes.map((size, a) => padding(size, kernelSize[a] as number, 1, 1, mode));
  const [od, oh, ow] = axes.map((a) => a.out) as [number, number, number];
  const [kd, kh, kw] = kernelSize as [number, number, number];
  const data = new Float64Array(od * oh * ow * filters);
  for (let z = 0; z < od; z++) {
    for (let y = 0; y < oh; y++) {
      for (let xx = 0; xx < ow; xx++) {
        for (let a = 0; a < kd * kh * kw; a++) {
          const [dz, dy, dx] = [Math.floor(a / (kh * kw)), Math.floor(a / kw) % kh, a % kw];
          const [sz, sy, sx] = [z + dz - (axes[0]?.before ?? 0), y + dy - (axes[1]?.before ?? 0), xx + dx - (axes[2]?.before ?? 0)];
          if (sz < 0 || sz >= depth || sy < 0 || sy >= height || sx < 0 || sx >= width) continue;
          for (let c = 0; c < channels; c++) {
            const v = x.data[((sz * height + sy) * width + sx) * channels + c] as number;
            for (let o = 0; o < filters; o++) {
              const at = ((z * oh + y) * ow + xx) * filters + o;
              data[at] = (data[at] as number) + v * (kernel[(a * channels + c) * filters + o] as number);
            }
          }
        }
      }
    }
  }
  return { data, shape: [od, oh, ow, filters] };
}
