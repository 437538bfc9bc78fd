/** The attributes of a pool over spatial axes of the given lengths. */
export interface PoolGeometry {
  readonly lengths: readonly number[];
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** Begins then ends, as the op's `pads`. */
  readonly pads: readonly number[];
  readonly autoPad: string;
  readonly ceilMode: boolean;
}

/** Explicit pads (begins then ends) and output lengths that a floor-mode window walk reproduces. */
export interface PoolWindows {
  readonly outputs: readonly number[];
  readonly pads: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
}

/**
 * The windows of a pool as a floor-mode walk over explicit pads, or why they cannot be: SAME_*
 * pads total (⌈L/s⌉ − 1)·s + span − L, split with the extra one at the end (UPPER) or the begin
 * (LOWER); VALID pads nothing; ceil mode counts ⌈(L + pads − span)/s⌉ + 1 windows, less the last
 * if it would start in the end padding, and pads the end so the floor walk reaches them.
 */
export function poolWindows(g: PoolGeometry): PoolWindows | string {
  const n = g.lengths.length;
  if ([g.strides, g.dilations].some((v) => v.length !== n) || g.pads.length !== 2 * n) return `strides, dilations and pads do not fit ${n} spatial axes`;
  if ([...g.kernel, ...g.strides, ...g.dilations].some((v) => !Number.isInteger(v) || v < 1)) return 'kernel_shape, strides and dilations must be positive';
  if (g.pads.some((v) => !Number.isInteger(v) || v < 0)) return 'pads must not be negative';
  const begins: number[] = [];
  const ends: number[] = [];
  const outputs: number[] = [];
  for (let i = 0; i < n; i++) {
    const length = g.lengths[i] as number;
    const stride = g.strides[i] as number;
    const span = ((g.kernel[i] as number) - 1) * (g.dilations[i] as number) + 1;
    let begin = g.pads[i] as number;
    let end = g.pads[i + n] as number;
    if (g.autoPad === 'SAME_UPPER' || g.autoPad === 'SAME_LOWER') {
      const total = Math.max(0, (Math.ceil(length / stride) - 1) * stride + span - length);
      begin = g.autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : Math.ceil(total / 2);
      end = total - begin;
    } else if (g.autoPad === 'VALID') {
      begin = 0;
      end = 0;
    } else if (g.autoPad !== 'NOTSET') return `auto_pad "${g.autoPad}" is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID`;
    const padded = length + begin + end;
    if (padded < span) return `the window (span ${span}) is longer than spatial axis ${i + 2} with its pads (${padded})`;
    let windows = Math.floor((padded - span) / stride) + 1;
    if (g.ceilMode && g.autoPad === 'NOTSET') {
      windows = Math.ceil((padded - span) / stride) + 1;
      if ((windows - 1) * stride - begin >= length) windows--;
      end += Math.max(0, (windows - 1) * stride + span - padded);
    }
    begins.push(begin);
    ends.push(end);
    outputs.push(windows);
  }
  return { outputs, pads: [...begins, ...ends], strides: g.strides, dilations: g.dilations };
}
