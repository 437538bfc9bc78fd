import type { GraphCache } from './graph-cache.js';
import type { OrtModuleLike, OrtSessionLike, OrtSessionOptionsLike } from '../runtime/ort.js';

export type CreateSession = (bytes: Uint8Array, options: Omit<OrtSessionOptionsLike, 'executionProviders'>) => Promise<OrtSessionLike>;

// Present in Node and browsers; declared here because the build targets plain ES2022.
const TextEncoderShim = (globalThis as unknown as { TextEncoder: new () => { encode(text: string): Uint8Array } }).TextEncoder;

/**
 * onnxruntime's optimized model of a session is kept in the graph cache beside the built graph,
 * where the store can take files (`scratchPath`, `adopt`): the first process creates the
 * session from the built graph with `optimizedModelFilePath` set and stores the file with the
 * graph's metadata; later ones create the session from that file alone, with optimization
 * disabled, skipping both the built graph and onnxruntime's graph transformations. An optimized
 * model may hold layouts for this CPU only, so its key adds the machine, the runtime's version,
 * the execution provider and the session options. Undefined where the store or the options rule
 * it out.
 */
export async function optimizedKey(
  cache: GraphCache | undefined,
  ort: OrtModuleLike,
  graphKey: string | undefined,
  provider: string,
  sessionOptions: Omit<OrtSessionOptionsLike, 'executionProviders'>,
): Promise<string | undefined> {
  const level = sessionOptions.graphOptimizationLevel ?? 'all';
  if (!cache?.scratchPath || !cache.adopt || cache.machine === undefined || graphKey === undefined || level === 'disabled') return undefined;
  const runtime = ort.env?.versions?.common ?? 'unknown';
  const identity = JSON.stringify({ graph: graphKey, machine: cache.machine, runtime, provider, options: sessionOptions });
  return cache.digest(new TextEncoderShim().encode(identity));
}

/** A session from a built graph that also stores onnxruntime's optimized model under `key` (see optimizedKey). */
export async function sessionStoringOptimized(
  cache: GraphCache,
  key: string,
  built: Uint8Array,
  meta: string,
  sessionOptions: Omit<OrtSessionOptionsLike, 'executionProviders'>,
  create: CreateSession,
): Promise<OrtSessionLike> {
  const path = (cache.scratchPath as (key: string) => string)(key);
  let session: OrtSessionLike;
  try {
    // onnxruntime warns that the file may be CPU-specific, which the key accounts for.
    session = await create(built, { logSeverityLevel: 3, ...sessionOptions, optimizedModelFilePath: path });
  } catch {
    // onnxruntime could not write the file: a plain session, uncached.
    return create(built, sessionOptions);
  }
  await cache.adopt?.(key, path, meta);
  return session;
}
