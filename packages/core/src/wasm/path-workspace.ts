import type { PathWorkspace } from '../path-workspace.js';
import { KERNELS_WASM } from './kernels-binary.js';

/**
 * The path loops in WebAssembly SIMD: the workspace keeps the points and the offered gradient
 * buffers in its own memory (the backend reads and writes them there), sums gradient rows in
 * float32 before widening them into the float64 sum, and is kept for the next run of the same
 * sizes. Used wherever the engine has WebAssembly SIMD, unless switched off (`@ig/core/wasm`).
 */
/** The parts of the WebAssembly API used here, so the core needs no DOM or Node typings. */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { readonly exports: unknown };
}

interface KernelExports {
  readonly memory: WasmMemory;
  subtract(diff: number, x: number, base: number, n: number): number;
  fill(out: number, stride: number, base: number, diff: number, n: number, alphas: number, count: number, zeroBase: number): void;
  accumulate(part: number, sum: number, rows: number, stride: number, n: number, weights: number, count: number, widen: number): number;
  widen(sum: number, part: number, n: number): void;
}

/**
 * Gradient rows summed in float32 before the float64 sum takes them: as many as one batch of 32
 * or more points (as before), and for smaller batches up to 32 across batches, so a batch of 1
 * does not pay a float64 pass per point.
 */
const WIDEN_AFTER_POINTS = 32;

let compiled: object | null | undefined;

const wasmApi = (): WasmApi | undefined => (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

function kernelModule(): object | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  try {
    const wasm = wasmApi();
    if (wasm !== undefined) {
      const bytes = Uint8Array.from(KERNELS_WASM);
      // Engines without SIMD reject the module here, and the plain loops take over.
      if (wasm.validate(bytes)) compiled = new wasm.Module(bytes);
    }
  } catch {
    compiled = null;
  }
  return compiled;
}

const align = (bytes: number): number => Math.ceil(bytes / 64) * 64;

/** Byte offsets of one model input's areas in WebAssembly memory. */
interface InputLayout {
  readonly size: number;
  readonly points: number;
  readonly gradients: number;
  readonly base: number;
  readonly diff: number;
  /** The float32 partial sum of rows not yet added to `sum`. */
  readonly part: number;
  /** The float64 running sum of the sink in `sink`. */
  readonly sum: number;
}

/** Per model input: what is loaded into its areas. */
interface InputState {
  x: Float32Array | null;
  baseline: Float32Array | null;
  /** 1 when every baseline value is +0: a point is then alpha·x, one multiply per value. */
  zeroBaseline: number;
  sink: Float64Array | null;
  /** Rows in `part` not yet widened into `sum`. */
  pending: number;
}

class WasmWorkspace implements PathWorkspace {
  /** Set by the cache: hands the workspace back for the next run of the same sizes. */
  onRelease: (() => void) | null = null;
  readonly kind = 'wasm-simd';
  readonly points: readonly Float32Array[];
  readonly gradients: readonly Float32Array[];
  private readonly kernels: KernelExports;
  private readonly memoryBuffer: ArrayBuffer;
  private readonly f32: Float32Array;
  private readonly f64: Float64Array;
  private readonly layouts: readonly InputLayout[];
  private readonly states: InputState[];
  /** float32 scratch for one batch's alphas or weights. */
  private readonly coefficients: number;

  constructor(api: WasmApi, module: object, pointSizes: readonly number[], batchSize: number) {
    this.kernels = new api.Instance(module).exports as KernelExports;
    let cursor = 0;
    const take = (bytes: number): number => {
      const at = cursor;
      cursor += align(bytes);
      return at;
    };
    this.coefficients = take(batchSize * 4);
    this.layouts = pointSizes.map((size) => ({
      size,
      points: take(batchSize * size * 4),
      gradients: take(batchSize * size * 4),
      base: take(size * 4),
      diff: take(size * 4),
      part: take(size * 4),
      sum: take(size * 8),
    }));
    const memory = this.kernels.memory;
    const needed = Math.ceil(cursor / 65536) - memory.buffer.byteLength / 65536;
    if (needed > 0) memory.grow(needed);
    this.memoryBuffer = memory.buffer;
    this.f32 = new Float32Array(memory.buffer);
    this.f64 = new Float64Array(memory.buffer);
    this.points = this.layouts.map((l) => new Float32Array(memory.buffer, l.points, batchSize * l.size));
    this.gradients = this.layouts.map((l) => new Float32Array(memory.buffer, l.gradients, batchSize * l.size));
    this.states = pointSizes.map(() => ({ x: null, baseline: null, zeroBaseline: 0, sink: null, pending: 0 }));
  }

  fill(input: number, outPoint: number, x: Float32Array, baseline: Float32Array, alphas: Float64Array, from: number, count: number): void {
    const layout = this.layouts[input] as InputLayout;
    const state = this.states[input] as InputState;
    if (state.x !== x || state.baseline !== baseline) {
      this.f32.set(baseline, layout.base / 4);
      this.f32.set(x, layout.diff / 4);
      state.zeroBaseline = this.kernels.subtract(layout.diff, layout.diff, layout.base, layout.size);
      state.x = x;
      state.baseline = baseline;
    }
    this.setCoefficients(alphas, from, count);
    const row = layout.size * 4;
    this.kernels.fill(layout.points + outPoint * row, row, layout.base, layout.diff, layout.size, this.coefficients, count, state.zeroBaseline);
  }

  accumulate(input: number, sink: Float64Array, gradients: Float32Array, gradPoint: number, weights: Float64Array, from: number, count: number): boolean {
    const layout = this.layouts[input] as InputLayout;
    const state = this.states[input] as InputState;
    if (state.sink !== sink) {
      this.unload(input);
      this.f64.set(sink, layout.sum / 8);
      state.sink = sink;
    }
    const row = layout.size * 4;
    let rows: number;
    if (gradients.buffer === this.memoryBuffer) {
      // The backend wrote into the offered buffer (or another view of this memory): no copy.
      rows = gradients.byteOffset + gradPoint * row;
    } else {
      rows = layout.gradients + gradPoint * row;
      this.f32.set(gradients.subarray(gradPoint * layout.size, (gradPoint + count) * layout.size), rows / 4);
    }
    this.setCoefficients(weights, from, count);
    state.pending += count;
    const widen = state.pending >= WIDEN_AFTER_POINTS;
    if (widen) state.pending = 0;
    return this.kernels.accumulate(layout.part, layout.sum, rows, row, layout.size, this.coefficients, count, widen ? 1 : 0) !== 0;
  }

  flush(): void {
    // Each sink is written back and let go, so a later flush (reset() after the runner's own)
    // does not copy it again; a later accumulate into it loads it afresh.
    this.states.forEach((_, input) => this.unload(input));
  }

  /** Forgets the loaded path ends and sinks, and hands the workspace to the cache. */
  release(): void {
    // flush() lets go of every sink.
    this.flush();
    for (const state of this.states) {
      state.x = null;
      state.baseline = null;
    }
    this.onRelease?.();
  }

  /** Adds the partial rows into the sum and writes the sum back to its sink. */
  private unload(input: number): void {
    const state = this.states[input] as InputState;
    if (state.sink === null) return;
    const layout = this.layouts[input] as InputLayout;
    this.widenPending(input);
    state.sink.set(this.f64.subarray(layout.sum / 8, layout.sum / 8 + layout.size));
    state.sink = null;
  }

  private widenPending(input: number): void {
    const state = this.states[input] as InputState;
    if (state.pending === 0) return;
    const layout = this.layouts[input] as InputLayout;
    // The partial was checked when its rows came in, and finite float32 values cannot overflow float64.
    this.kernels.widen(layout.sum, layout.part, layout.size);
    state.pending = 0;
  }

  private setCoefficients(values: Float64Array, from: number, count: number): void {
    this.f32.set(values.subarray(from, from + count), this.coefficients / 4);
  }
}

/**
 * The last released workspace, kept for the next run of the same sizes: a fresh one costs a
 * page fault per 4 KiB the first time it is written.
 */
let idle: { key: string; workspace: WasmWorkspace } | null = null;

/** A WebAssembly SIMD workspace, or null where the engine lacks WebAssembly SIMD or memory. */
export function createWasmPathWorkspace(pointSizes: readonly number[], batchSize: number): PathWorkspace | null {
  const key = `${batchSize}:${pointSizes.join(',')}`;
  if (idle !== null && idle.key === key) {
    const { workspace } = idle;
    idle = null;
    return workspace;
  }
  const module = kernelModule();
  const api = wasmApi();
  if (module === null || api === undefined) return null;
  try {
    const workspace = new WasmWorkspace(api, module, pointSizes, batchSize);
    workspace.onRelease = () => {
      idle = { key, workspace };
    };
    return workspace;
  } catch {
    // Out of WebAssembly memory (over 4 GiB) or instantiation refused.
    return null;
  }
}

/** Whether this engine compiles the SIMD kernels. */
export const wasmKernelsAvailable = (): boolean => kernelModule() !== null && wasmApi() !== undefined;
