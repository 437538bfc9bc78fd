import { graphKeyDigest, type GraphCache } from '../cache/graph-cache.js';
import { optimizedKey, sessionStoringOptimized } from '../cache/optimized-sessions.js';
import { RuntimeError } from '../errors.js';
import type { OrtModuleLike, OrtSessionLike, OrtSessionOptionsLike } from './ort.js';
import { providerName, timed, type ExecutionProvider, type OnnxBackendStats } from './session.js';

/** The metadata stored with onnxruntime's optimized model of the forward graph. */
const FORWARD_META = JSON.stringify({ kind: 'forward' });

export interface ForwardSessionContext {
  readonly ort: OrtModuleLike;
  /** The prepared model, encoded: called only when no optimized model of it is cached. */
  readonly bytes: () => Uint8Array;
  readonly providers: readonly ExecutionProvider[];
  readonly sessionOptions: Omit<OrtSessionOptionsLike, 'executionProviders'>;
  readonly cache: GraphCache | undefined;
  /** The model's digest for cache keys (see openOnnxBackend), when a cache is set. */
  readonly modelDigest: Promise<string> | undefined;
  /** Session creation is timed as `session`; encoding the model and reading the cache as `load`. */
  readonly stats: OnnxBackendStats;
}

/**
 * The forward session, on the first provider that loads. Where the cache keeps onnxruntime's
 * optimized models (see optimizedKey), the session comes from the optimized model of the
 * prepared model stored by an earlier process, with optimization disabled: no encoding of the
 * model and none of onnxruntime's graph transformations. Otherwise it is created from the
 * model's bytes, storing the optimized model for the next process. An optimized model that does
 * not load is dropped and the bytes used.
 */
export async function openForwardSession(context: ForwardSessionContext): Promise<{ session: OrtSessionLike; provider: ExecutionProvider }> {
  const { ort, providers, sessionOptions, cache, stats } = context;
  const forwardKey = cache && context.modelDigest ? await forwardGraphKey(cache, await context.modelDigest) : undefined;
  let bytes: Uint8Array | undefined;
  const model = (): Uint8Array => (bytes ??= context.bytes());
  const failures: string[] = [];
  for (const provider of providers) {
    const create = (source: Uint8Array, options: Omit<OrtSessionOptionsLike, 'executionProviders'>): Promise<OrtSessionLike> =>
      ort.InferenceSession.create(source, { ...options, executionProviders: [provider] });
    try {
      const key = cache ? await optimizedKey(cache, ort, forwardKey, providerName(provider), sessionOptions) : undefined;
      if (!cache || !key) {
        const plain = await timed(stats, 'load', model);
        return { session: await timed(stats, 'session', () => create(plain, sessionOptions)), provider };
      }
      const stored = await timed(stats, 'load', () => cache.read(key));
      if (stored && stored.meta === FORWARD_META) {
        try {
          return { session: await timed(stats, 'session', () => create(stored.model, { ...sessionOptions, graphOptimizationLevel: 'disabled' })), provider };
        } catch {
          // An optimized model this runtime cannot load: dropped, and rebuilt from the bytes below.
        }
      }
      if (stored) await cache.remove(key);
      const plain = await timed(stats, 'load', model);
      return { session: await timed(stats, 'session', () => sessionStoringOptimized(cache, key, plain, FORWARD_META, sessionOptions, create)), provider };
    } catch (error) {
      failures.push(`${providerName(provider)}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new RuntimeError(`no execution provider could load the model (tried ${providers.map(providerName).join(', ')})`, failures);
}

function forwardGraphKey(cache: GraphCache, model: string): Promise<string> {
  return graphKeyDigest(cache, { model, kind: 'forward', output: '', pointShapes: [], pointsPerRun: 0, options: {} });
}
