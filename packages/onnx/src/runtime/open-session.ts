import type { GraphCache } from '../cache/graph-cache.js';
import { sessionStoringOptimized } from '../cache/optimized-sessions.js';
import type { GraphSource } from './graph-source.js';
import type { OrtModuleLike, OrtSessionLike, OrtSessionOptionsLike } from './ort.js';
import { openSession, timed, type ExecutionProvider, type OnnxBackendStats } from './session.js';
import type { OpenGraphSession } from './session-cache.js';

export interface OpenContext {
  readonly ort: OrtModuleLike;
  readonly provider: ExecutionProvider;
  /** Options of gradient and fused sessions (see gradientSessionOptions). */
  readonly sessionOptions: Omit<OrtSessionOptionsLike, 'executionProviders'>;
  readonly graphs: GraphSource;
  readonly cache: GraphCache | undefined;
  readonly stats: OnnxBackendStats;
}

/**
 * Opens gradient and fused sessions on the backend's provider: from onnxruntime's optimized
 * model where the cache holds one (dropped, and the graph itself used, when it does not load),
 * else from the graph, storing onnxruntime's optimized model where the cache keeps them.
 */
export function graphSessionOpener(context: OpenContext): OpenGraphSession {
  const { ort, provider, sessionOptions, graphs, cache, stats } = context;
  const create = async (bytes: Uint8Array, options: Omit<OrtSessionOptionsLike, 'executionProviders'>): Promise<OrtSessionLike> =>
    (await openSession(ort, bytes, [provider], options)).session;
  return async (graph, kind, reload) => {
    stats.sessions[kind]++;
    let source = graph;
    if (source.optimized) {
      try {
        return { graph: source, session: await timed(stats, 'session', () => create(source.model, { ...sessionOptions, graphOptimizationLevel: 'disabled' })) };
      } catch {
        // A stored optimized model this runtime cannot load: drop it, use the graph itself.
        await graphs.forgetOptimized(source);
        source = await reload();
      }
    }
    const { optimizedKey } = source;
    const session = await timed(stats, 'session', () =>
      cache && optimizedKey
        ? sessionStoringOptimized(cache, optimizedKey, source.model, JSON.stringify(source.meta), sessionOptions, create)
        : create(source.model, sessionOptions),
    );
    return { graph: source, session };
  };
}
