import type { OrtModuleLike, OrtSessionLike, OrtSessionOptionsLike, OrtTensorLike } from './ort.js';
import { RuntimeError } from '../errors.js';

export type ExecutionProvider = string | { readonly name: string; readonly [option: string]: unknown };

export function providerName(provider: ExecutionProvider): string {
  return typeof provider === 'string' ? provider : provider.name;
}

/**
 * Options for the gradient and fused path sessions. Their graphs keep every forward activation
 * alive until the reverse pass, so onnxruntime's memory pattern plans one block of hundreds of
 * MiB per run, which the C allocator maps afresh on every run (on GoogLeNet, some 2,700 page
 * faults per fused run of 6 points, 5–30% of its time); without it, the arena reuses buffers.
 * An explicit `enableMemPattern` in the caller's options wins.
 */
export function gradientSessionOptions(options: Omit<OrtSessionOptionsLike, 'executionProviders'>): Omit<OrtSessionOptionsLike, 'executionProviders'> {
  return { enableMemPattern: false, ...options };
}

/** Creates a session with the first provider that loads; throws listing every failure. */
export async function openSession(
  ort: OrtModuleLike,
  bytes: Uint8Array,
  providers: readonly ExecutionProvider[],
  sessionOptions: Omit<OrtSessionOptionsLike, 'executionProviders'>,
): Promise<{ session: OrtSessionLike; provider: ExecutionProvider }> {
  const failures: string[] = [];
  for (const provider of providers) {
    try {
      const session = await ort.InferenceSession.create(bytes, { ...sessionOptions, executionProviders: [provider] });
      return { session, provider };
    } catch (error) {
      failures.push(`${providerName(provider)}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new RuntimeError(`no execution provider could load the model (tried ${providers.map(providerName).join(', ')})`, failures);
}

export function toFloat32(tensor: OrtTensorLike | undefined, what: string): Float32Array {
  if (!tensor) throw new RuntimeError(`the runtime returned no ${what}`);
  const data = tensor.data;
  if (data instanceof Float32Array) return data;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) throw new RuntimeError(`${what} is of type ${tensor.type}, not a float tensor`);
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) return Float32Array.from(data as unknown as ArrayLike<number>);
  throw new RuntimeError(`${what} is of type ${tensor.type}, not a float tensor`);
}

/** Where a backend's time went, in seconds, and what it built; read it from `backend.stats`. */
export interface OnnxBackendStats {
  readonly seconds: {
    /** Decoding, upgrading and checking the model, and hashing it for the cache. */
    load: number;
    /** Shape inference or probing, building gradient/fused graphs, reading and writing the cache. */
    build: number;
    /** Creating onnxruntime sessions. */
    session: number;
    /** Running sessions: predictions, gradients, fused path integrals. */
    compute: number;
  };
  /** onnxruntime sessions created, by kind (a probe is a run of the original model to learn its shapes). */
  readonly sessions: { forward: number; gradient: number; fused: number; probe: number };
  /** Gradient and fused graphs taken from the cache, built afresh, and cache entries found unusable. */
  readonly cache: { hits: number; misses: number; rejected: number };
}

export function emptyStats(): OnnxBackendStats {
  return {
    seconds: { load: 0, build: 0, session: 0, compute: 0 },
    sessions: { forward: 0, gradient: 0, fused: 0, probe: 0 },
    cache: { hits: 0, misses: 0, rejected: 0 },
  };
}

const clock = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Runs `work`, adding its wall time to `stats.seconds[phase]`. */
export async function timed<T>(stats: OnnxBackendStats, phase: keyof OnnxBackendStats['seconds'], work: () => Promise<T> | T): Promise<T> {
  const start = clock();
  try {
    return await work();
  } finally {
    stats.seconds[phase] += (clock() - start) / 1000;
  }
}
