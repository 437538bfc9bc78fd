/**
 * A store for built gradient and fused graphs, shared across processes. This module is
 * runtime-agnostic; the file-backed store (`fileGraphCache`) lives behind the Node entry point.
 */
export interface CachedGraph {
  /** JSON: the tensor names and shapes the backend needs to feed and read the graph. */
  readonly meta: string;
  /** The encoded ONNX model. */
  readonly model: Uint8Array;
}

export interface GraphCache {
  /** A hex digest of `bytes` (the model's identity in cache keys). */
  digest(bytes: Uint8Array): Promise<string>;
  /**
   * The entry stored under `key`, or undefined when there is none. An entry that is stale
   * (another package version, another key) or corrupt (truncated, checksum mismatch) is
   * reported, removed and answered as undefined: never returned.
   */
  read(key: string): Promise<CachedGraph | undefined>;
  /** Stores an entry; a store that cannot write reports it and carries on. */
  write(key: string, entry: CachedGraph): Promise<void>;
  /** Forgets `key` (the backend found its entry unusable). */
  remove(key: string): Promise<void>;
  /**
   * Optional (file stores): the machine's identity (platform, architecture, CPU), for entries that
   * only this machine can use: onnxruntime's optimized models, which may hold CPU-specific layouts.
   */
  readonly machine?: string;
  /** Optional: a fresh file path onnxruntime may write an optimized model to (`optimizedModelFilePath`). */
  scratchPath?(key: string): string;
  /** Optional: stores the file at `path` (written by onnxruntime) with `meta` under `key`, and removes the file. */
  adopt?(key: string, path: string, meta: string): Promise<void>;
}

/** Bumped whenever the layout of cached graphs or their metadata changes. */
export const GRAPH_CACHE_FORMAT = 1;

/**
 * Everything that shapes a built graph, besides the package version the store adds: the model's
 * digest, the graph kind, the explained output, the input point shapes and points per run, and
 * the fused graph's options. The `forward` kind names the prepared model itself, whose
 * onnxruntime-optimized form is kept for the forward session (see openForwardSession).
 */
export interface GraphKey {
  readonly model: string;
  readonly kind: 'gradient' | 'fused' | 'forward';
  readonly output: string;
  readonly pointShapes: readonly (readonly number[])[];
  readonly pointsPerRun: number;
  readonly options: Readonly<Record<string, unknown>>;
}

export function graphKeyText(key: GraphKey): string {
  return JSON.stringify({ format: GRAPH_CACHE_FORMAT, ...key });
}

// Present in Node and browsers; declared here because the build targets plain ES2022.
const { TextEncoder: Utf8Encoder } = globalThis as unknown as { TextEncoder: new () => { encode(text: string): Uint8Array } };
const encoder = new Utf8Encoder();

/** The digest of a key's text: the entry's name in the store. */
export function graphKeyDigest(cache: GraphCache, key: GraphKey): Promise<string> {
  return cache.digest(encoder.encode(graphKeyText(key)));
}
