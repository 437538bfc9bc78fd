import { accumulateWeighted, fillPathPoints, firstNonFinite } from './path-kernels.js';
import { KERNELS_WASM } from './wasm/kernels-binary.js';

/**
 * Where a PathRunner keeps its batch of points and how it runs the two per-point loops. The
 * WebAssembly SIMD workspace keeps the points in its own memory (the backend reads them there)
 * and is used wherever WebAssembly SIMD is available; plain loops are the fallback.
 */
export interface PathWorkspace {
  readonly kind: 'wasm-simd' | 'js';
  /** Per model input: the `batchSize × size` point buffer handed to the backend. */
  readonly points: readonly Float32Array[];
  /** points[input][(outPoint + j)·size + i] = baseline[i] + alphas[from + j]·difference[i]. */
  fill(input: number, outPoint: number, baseline: Float32Array, difference: Float32Array, alphas: Float64Array, from: number, count: number): void;
  /**
   * sink += Σ_j weights[from + j]·gradients row (gradPoint + j), for model input `input`; true
   * when the sink is no longer finite. The sink's values may stay in the workspace until flush().
   */
  accumulate(input: number, sink: Float64Array, gradients: Float32Array, gradPoint: number, weights: Float64Array, from: number, count: number): boolean;
  /** Writes every sink's values back to its array. */
  flush(): void;
  /** Forgets which baseline and sinks are loaded, before the workspace serves another run. */
  reset(): void;
}

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
  fill(out: number, base: number, diff: number, n: number, alpha: number): void;
  accumulate4(part: number, g0: number, g1: number, g2: number, g3: number, n: number, w0: number, w1: number, w2: number, w3: number): void;
  widen(sum: number, part: number, n: number): number;
}

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

const align = (bytes: number): number => Math.ceil(bytes / 16) * 16;

class JsWorkspace implements PathWorkspace {
  readonly kind = 'js';
  readonly points: readonly Float32Array[];
  constructor(pointSizes: readonly number[], batchSize: number) {
    this.points = pointSizes.map((size) => new Float32Array(batchSize * size));
  }
  fill(input: number, outPoint: number, baseline: Float32Array, difference: Float32Array, alphas: Float64Array, from: number, count: number): void {
    fillPathPoints(this.points[input] as Float32Array, outPoint, baseline, difference, alphas, from, count);
  }
  accumulate(_input: number, sink: Float64Array, gradients: Float32Array, gradPoint: number, weights: Float64Array, from: number, count: number): boolean {
    accumulateWeighted(sink, gradients, gradPoint, weights, from, count);
    return firstNonFinite(sink) >= 0;
  }
  flush(): void {
    // Sinks are updated in place.
  }
  reset(): void {
    // Nothing is cached between calls.
  }
}

class WasmWorkspace implements PathWorkspace {
  readonly kind = 'wasm-simd';
  readonly points: readonly Float32Array[];
  private readonly kernels: KernelExports;
  private readonly f32: Float32Array;
  private readonly f64: Float64Array;
  private readonly pointOffsets: number[];
  private readonly baseOffsets: number[];
  private readonly diffOffsets: number[];
  private readonly loaded: (Float32Array | null)[];
  private readonly gradOffset: number;
  /** A float32 partial sum for one batch's rows, widened into the float64 sum afterwards. */
  private readonly partOffset: number;
  /** Per input: the float64 running sum of the sink in `activeSinks`, held in wasm memory. */
  private readonly sumOffsets: number[];
  private readonly activeSinks: (Float64Array | null)[];

  constructor(api: WasmApi, module: object, pointSizes: readonly number[], batchSize: number) {
    this.kernels = new api.Instance(module).exports as KernelExports;
    const maxSize = Math.max(0, ...pointSizes);
    let cursor = 0;
    const take = (bytes: number): number => {
      const at = cursor;
      cursor += align(bytes);
      return at;
    };
    this.pointOffsets = pointSizes.map((size) => take(batchSize * size * 4));
    this.baseOffsets = pointSizes.map((size) => take(size * 4));
    this.diffOffsets = pointSizes.map((size) => take(size * 4));
    this.gradOffset = take(batchSize * maxSize * 4);
    this.partOffset = take(maxSize * 4);
    this.sumOffsets = pointSizes.map((size) => take(size * 8));
    const memory = this.kernels.memory;
    const needed = Math.ceil(cursor / 65536) - memory.buffer.byteLength / 65536;
    if (needed > 0) memory.grow(needed);
    this.f32 = new Float32Array(memory.buffer);
    this.f64 = new Float64Array(memory.buffer);
    this.points = pointSizes.map((size, i) => new Float32Array(memory.buffer, this.pointOffsets[i] as number, batchSize * size));
    this.loaded = pointSizes.map(() => null);
    this.activeSinks = pointSizes.map(() => null);
  }

  fill(input: number, outPoint: number, baseline: Float32Array, difference: Float32Array, alphas: Float64Array, from: number, count: number): void {
    const size = baseline.length;
    const base = this.baseOffsets[input] as number;
    const diff = this.diffOffsets[input] as number;
    if (this.loaded[input] !== difference) {
      this.f32.set(baseline, base / 4);
      this.f32.set(difference, diff / 4);
      this.loaded[input] = difference;
    }
    const out = (this.pointOffsets[input] as number) + outPoint * size * 4;
    for (let j = 0; j < count; j++) this.kernels.fill(out + j * size * 4, base, diff, size, alphas[from + j] as number);
  }

  reset(): void {
    this.flush();
    this.loaded.fill(null);
    this.activeSinks.fill(null);
  }

  flush(): void {
    this.activeSinks.forEach((sink, input) => {
      if (sink === null) return;
      const at = (this.sumOffsets[input] as number) / 8;
      sink.set(this.f64.subarray(at, at + sink.length));
    });
  }

  accumulate(input: number, sink: Float64Array, gradients: Float32Array, gradPoint: number, weights: Float64Array, from: number, count: number): boolean {
    const size = sink.length;
    const sum = this.sumOffsets[input] as number;
    if (this.activeSinks[input] !== sink) {
      const previous = this.activeSinks[input];
      if (previous !== null && previous !== undefined) previous.set(this.f64.subarray(sum / 8, sum / 8 + previous.length));
      this.f64.set(sink, sum / 8);
      this.activeSinks[input] = sink;
    }
    this.f32.set(gradients.subarray(gradPoint * size, (gradPoint + count) * size), this.gradOffset / 4);
    const row = size * 4;
    const g = this.gradOffset;
    const part = this.partOffset;
    // Rows go four at a time; a missing fourth (or third, second) row is row 0 with weight 0.
    for (let j = 0; j < count; j += 4) {
      const rows = Math.min(4, count - j);
      const w = (k: number): number => (k < rows ? (weights[from + j + k] as number) : 0);
      const at = (k: number): number => g + (j + (k < rows ? k : 0)) * row;
      this.kernels.accumulate4(part, at(0), at(1), at(2), at(3), size, w(0), w(1), w(2), w(3));
    }
    const bad = this.kernels.widen(sum, part, size);
    return bad !== 0;
  }
}

/**
 * The last released workspace, kept for the next run of the same sizes: a fresh one costs a
 * page fault per 4 KiB the first time it is written, which for image inputs is more than the
 * arithmetic of a whole path.
 */
let idle: { key: string; workspace: PathWorkspace } | null = null;

const keyOf = (pointSizes: readonly number[], batchSize: number, preferJs: boolean): string => `${preferJs ? 'js' : 'any'}:${batchSize}:${pointSizes.join(',')}`;

export function acquirePathWorkspace(pointSizes: readonly number[], batchSize: number, preferJs = false): PathWorkspace {
  const key = keyOf(pointSizes, batchSize, preferJs);
  if (idle !== null && idle.key === key) {
    const { workspace } = idle;
    idle = null;
    return workspace;
  }
  return createPathWorkspace(pointSizes, batchSize, preferJs);
}

export function releasePathWorkspace(workspace: PathWorkspace, pointSizes: readonly number[], batchSize: number, preferJs = false): void {
  workspace.reset();
  idle = { key: keyOf(pointSizes, batchSize, preferJs), workspace };
}

/** A workspace for `batchSize` points of the given sizes: WebAssembly SIMD when available. */
export function createPathWorkspace(pointSizes: readonly number[], batchSize: number, preferJs = false): PathWorkspace {
  const module = preferJs ? null : kernelModule();
  const api = wasmApi();
  if (module !== null && api !== undefined) {
    try {
      return new WasmWorkspace(api, module, pointSizes, batchSize);
    } catch {
      // Out of WebAssembly memory (over 4 GiB) or instantiation refused: plain loops work anywhere.
    }
  }
  return new JsWorkspace(pointSizes, batchSize);
}
