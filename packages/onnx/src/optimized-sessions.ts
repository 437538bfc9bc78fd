import type { GraphCache } from './graph-cache.js';
import type { OrtModuleLike, OrtSessionLike, OrtSessionOptionsLike } from './runtime.js';

export type CreateSession = (bytes: Uint8Array, options: Omit<OrtSessionOptionsLike, 'executionProviders'>) => Promise<OrtSessionLike>;

/**
 * Sessions from onnxruntime's own optimized model, kept in the graph cache beside the built graph
 * where the store can take files (`scratchPath`, `adopt`): the first process creates the session
 * from the built graph with `optimizedModelFilePath` set and stores the file; later ones create
 * it from that file with optimization disabled, skipping onnxruntime's graph transformations. An
 * optimized model may hold layouts for this CPU only, so its key adds the machine, the runtime's
 * version, the execution provider and the session options; a file that fails to load is removed
 * and the session is created from the built graph.
 */
export async function optimizedSession(
  cache: GraphCache | undefined,
  ort: OrtModuleLike,
  graphKey: string | undefined,
  provider: string,
  sessionOptions: Omit<OrtSessionOptionsLike, 'executionProviders'>,
  built: Uint8Array,
  create: CreateSession,
): Promise<OrtSessionLike> {
  const level = sessionOptions.graphOptimizationLevel ?? 'all';
  if (!cache?.scratchPath || !cache.adopt || cache.machine === undefined || graphKey === undefined || level === 'disabled') return create(built, sessionOptions);
  const runtime = ort.env?.versions?.common ?? 'unknown';
  const identity = JSON.stringify({ graph: graphKey, machine: cache.machine, runtime, provider, options: sessionOptions });
  const key = await cache.digest(new TextEncoderShim().encode(identity));
  const stored = await cache.read(key);
  if (stored) {
    try {
      return await create(stored.model, { ...sessionOptions, graphOptimizationLevel: 'disabled' });
    } catch {
      await cache.remove(key);
    }
  }
  const path = cache.scratchPath(key);
  let session: OrtSessionLike;
  try {
    // onnxruntime warns that the file may be CPU-specific, which the key accounts for.
    session = await create(built, { logSeverityLevel: 3, ...sessionOptions, optimizedModelFilePath: path });
  } catch {
    // onnxruntime could not write the file: a plain session, uncached.
    return create(built, sessionOptions);
  }
  await cache.adopt(key, path);
  return session;
}

// Present in Node and browsers; declared here because the build targets plain ES2022.
const TextEncoderShim = (globalThis as unknown as { TextEncoder: new () => { encode(text: string): Uint8Array } }).TextEncoder;
