import type { GraphBuilder } from '../../graph/builder.js';
import { adjointKernel, type ConvAdjointProblem } from './conv-adjoint.js';

/**
 * The geometry of one spatial axis of the polyphase adjoint: input position i = p + s·a (phase p,
 * a ≥ 0) receives Σ_m W[r + s·m]·g[a + c − m] with p + padBegin = r + s·c, r < s. Over all phases
 * the offsets d = c − m of g span [dMin, dMax]; every phase is a stride-1 correlation of g with a
 * kernel of length dMax − dMin + 1 read from the adjoint (reversed) kernel with step s from `base`.
 */
interface PhaseAxis {
  readonly dMin: number;
  readonly dMax: number;
  readonly base: readonly number[];
}

function phaseAxis(k: number, s: number, padBegin: number): PhaseAxis {
  let dMin = Infinity;
  let dMax = -Infinity;
  for (let p = 0; p < s; p++) {
    const r = (p + padBegin) % s;
    const c = Math.floor((p + padBegin) / s);
    if (r >= k) continue; // the sub-kernel of this phase is empty
    dMin = Math.min(dMin, c - Math.ceil((k - r) / s) + 1);
    dMax = Math.max(dMax, c);
  }
  const base = Array.from({ length: s }, (_, p) => k - 1 - p - padBegin + s * dMin);
  return { dMin, dMax, base };
}

/**
 * dX of a 2-D convolution with equal strides s > 1 and dilation 1 without the general transposed
 * convolution: the s² output phases (rows ≡ p, columns ≡ q mod s) are each a stride-1 convolution
 * of g with a sub-kernel of the adjoint kernel, computed together as one Conv whose output channels
 * are [C, s, s] (sub-kernels zero-padded to a common size), then interleaved and cropped to the
 * input size. Returns null where this form does not apply (pads so wide that g would have to be
 * cropped at either end) or does not pay (small kernels), and the caller uses a transposed convolution.
 */
export function stridedConvInputGradient(b: GraphBuilder, { g, w, window, xShape, outSpatial, group }: ConvAdjointProblem): string | null {
  const { kernel, strides, dilations } = window;
  const s = strides[0] as number;
  if (kernel.length !== 2 || s < 2 || strides.some((t) => t !== s) || dilations.some((d) => d !== 1)) return null;
  const inSpatial = xShape.slice(2);
  const axes = kernel.map((k, i) => phaseAxis(k, s, window.padsBegin[i] as number));
  if (axes.some((a) => a.dMin > 0)) return null;
  const length = axes.map((a) => a.dMax - a.dMin + 1);
  // Sub-kernels are zero-padded to a common size: worth it only while that wastes little work
  // (7×7 at stride 2: 64 taps for 49); the transposed convolution is faster otherwise.
  if (3 * s * s * (length[0] as number) * (length[1] as number) > 4 * (kernel[0] as number) * (kernel[1] as number)) return null;
  const padsBegin = axes.map((a) => -a.dMin);
  const padsEnd = axes.map((a, i) => Math.ceil((inSpatial[i] as number) / s) - (outSpatial[i] as number) + a.dMax);
  if (padsEnd.some((p) => p < 0)) return null;
  const phases = axes.map((a, i) => (outSpatial[i] as number) + (padsEnd[i] as number) - a.dMax);

  // The adjoint kernel [C, M/G, kh, kw], zero-padded so that every phase's strided read is in range.
  const adjoint = adjointKernel(b, w, group);
  const wShape = b.shape(w);
  const [channels, perGroup] = [(wShape[1] as number) * group, (wShape[0] as number) / group];
  const before = axes.map((a) => Math.max(0, -Math.min(...a.base)));
  const after = axes.map((a, i) => Math.max(0, Math.max(...a.base) + s * ((length[i] as number) - 1) - ((kernel[i] as number) - 1)));
  const padded = before.some((p) => p > 0) || after.some((p) => p > 0) ? b.op('Pad', [adjoint, b.int64Constant([0, 0, ...before, 0, 0, ...after])]) : adjoint;
  const subKernels: string[] = [];
  for (let p = 0; p < s; p++) {
    for (let q = 0; q < s; q++) {
      const starts = [p, q].map((ph, i) => (axes[i]?.base[ph] as number) + (before[i] as number));
      const ends = starts.map((start, i) => start + s * ((length[i] as number) - 1) + 1);
      const sub = b.op('Slice', [padded, b.int64Constant(starts), b.int64Constant(ends), b.int64Constant([2, 3]), b.int64Constant([s, s])]);
      subKernels.push(b.unsqueeze(sub, [1]));
    }
  }
  const stacked = b.op('Concat', subKernels, { axis: { int: 1 } });
  const combined = b.reshape(stacked, [channels * s * s, perGroup, ...length]);
  const n = xShape[0] as number;
  const phased = b.op(
    'Conv',
    [g, combined],
    {
      kernel_shape: { ints: length },
      strides: { ints: [1, 1] },
      dilations: { ints: [1, 1] },
      pads: { ints: [...padsBegin, ...padsEnd] },
      group: { int: group },
    },
    [n, channels * s * s, ...phases],
  );
  // Interleave: a transposed convolution with a one-hot s×s kernel at stride s per input channel
  // (no overlap, so each output pixel is a single copy), cropped to the input size by its end pads;
  // onnxruntime runs this several times faster than DepthToSpace.
  const oneHot = new Float32Array(channels * s ** 4);
  for (let c = 0; c < channels; c++) for (let k = 0; k < s * s; k++) oneHot[(c * s * s + k) * s * s + k] = 1;
  const crop = phases.map((a, i) => a * s - (inSpatial[i] as number));
  return b.op(
    'ConvTranspose',
    [phased, b.floatConstant(oneHot, [channels * s * s, 1, s, s])],
    { kernel_shape: { ints: [s, s] }, strides: { ints: [s, s] }, pads: { ints: [0, 0, ...crop] }, group: { int: channels } },
    xShape,
  );
}
