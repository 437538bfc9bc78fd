import type { TensorFacts } from '../graph/builder.js';
import { inferFacts } from '../graph/shape-inference.js';
import { inferShapes } from './probe.js';
import { graphKeyDigest, type GraphCache, type GraphKey } from '../cache/graph-cache.js';
import type { OrtModuleLike, OrtSessionOptionsLike, OrtTensorLike } from './ort.js';
import { timed, type OnnxBackendStats } from './session.js';
import { UnknownShapeError } from '../errors.js';
import type { PreparedModel } from '../model/prepare.js';

/** Where a graph's facts came from: the cache (no facts needed), static inference, or a probe run. */
export type GraphOrigin = 'cache' | 'inferred' | 'probed';

export interface GraphSourceContext {
  readonly ort: OrtModuleLike;
  readonly prepared: PreparedModel;
  readonly inputs: readonly string[];
  readonly output: string;
  readonly sessionOptions: OrtSessionOptionsLike;
  readonly stats: OnnxBackendStats;
  readonly cache: GraphCache | undefined;
  /** The model's digest for cache keys (computed once, when a cache is set). */
  readonly modelDigest: Promise<string> | undefined;
  readonly warn: (message: string) => void;
  /** The cache key of onnxruntime's optimized model of the graph under `graphKey`, where kept. */
  readonly optimizedKeyOf: (graphKey: string) => Promise<string | undefined>;
}

export interface GraphRequest<M> {
  readonly kind: Exclude<GraphKey['kind'], 'forward'>;
  readonly pointShapes: readonly (readonly number[])[];
  readonly pointsPerRun: number;
  readonly options: Readonly<Record<string, unknown>>;
  /** Feeds of `pointsPerRun` points, for a probe run. */
  readonly probeFeeds: () => Record<string, OrtTensorLike>;
  readonly build: (facts: TensorFacts) => { model: Uint8Array; meta: M };
  /** Whether cached metadata has the form `build` returns. */
  readonly isMeta: (meta: unknown) => meta is M;
}

export interface SourcedGraph<M> {
  readonly model: Uint8Array;
  readonly meta: M;
  readonly origin: GraphOrigin;
  /** The graph's cache key, when a cache is set. */
  readonly key?: string;
  /** `model` is onnxruntime's optimized model of the graph, read from the cache (see optimizedKey). */
  readonly optimized?: boolean;
  /** Where onnxruntime's optimized model of a built graph is to be stored, when the cache keeps them. */
  readonly optimizedKey?: string;
}

/**
 * Gets gradient and fused graphs: from the cache when it holds a valid entry, else built from
 * shape facts that static inference decides, or, where it cannot, from one probe run of the
 * model per input shape and run size (shared by the gradient and fused graphs).
 */
export class GraphSource {
  private readonly probes = new Map<string, Promise<TensorFacts>>();
  private readonly inferred = new Map<string, TensorFacts | null>();

  constructor(private readonly context: GraphSourceContext) {}

  /**
   * The graph for `request`. With `useOptimized` (the default), onnxruntime's optimized model
   * from the cache where there is one (`optimized: true`); without, the graph itself (a session
   * from the optimized model failed).
   */
  async get<M>(request: GraphRequest<M>, origin: 'any' | 'probed' = 'any', useOptimized = true): Promise<SourcedGraph<M>> {
    const { cache, stats } = this.context;
    const key = cache ? await this.keyOf(request) : undefined;
    const optimizedKey = key ? await this.context.optimizedKeyOf(key) : undefined;
    if (cache && key && origin === 'any') {
      if (optimizedKey && useOptimized) {
        const hit = await timed(stats, 'build', () => this.fromCache(cache, optimizedKey, request));
        if (hit) return { ...hit, key, optimized: true };
      }
      const hit = await timed(stats, 'build', () => this.fromCache(cache, key, request));
      if (hit) return { ...hit, key, ...(optimizedKey ? { optimizedKey } : {}) };
    }
    const built = await this.build(request, origin);
    if (cache && key) {
      stats.cache.misses++;
      await timed(stats, 'build', () => cache.write(key, { meta: JSON.stringify(built.meta), model: built.model }));
      return { ...built, key, ...(optimizedKey ? { optimizedKey } : {}) };
    }
    return built;
  }

  /** Drops a cached entry (and its optimized model) that failed to run, so the next process builds it afresh. */
  async forget<M>(request: GraphRequest<M>): Promise<void> {
    const { cache } = this.context;
    if (!cache) return;
    const key = await this.keyOf(request);
    const optimizedKey = await this.context.optimizedKeyOf(key);
    await cache.remove(key);
    if (optimizedKey) await cache.remove(optimizedKey);
  }

  /** Drops the optimized model of `graph` from the cache (its session failed to load). */
  async forgetOptimized(graph: SourcedGraph<unknown>): Promise<void> {
    const { cache } = this.context;
    const optimizedKey = graph.key ? await this.context.optimizedKeyOf(graph.key) : undefined;
    if (cache && optimizedKey) await cache.remove(optimizedKey);
  }

  private async keyOf<M>(request: GraphRequest<M>): Promise<string> {
    const { cache, modelDigest, output } = this.context;
    const model = await (modelDigest as Promise<string>);
    return graphKeyDigest(cache as GraphCache, {
      model,
      kind: request.kind,
      output,
      pointShapes: request.pointShapes,
      pointsPerRun: request.pointsPerRun,
      options: request.options,
    });
  }

  private async fromCache<M>(cache: GraphCache, key: string, request: GraphRequest<M>): Promise<SourcedGraph<M> | undefined> {
    const entry = await cache.read(key);
    if (!entry) return undefined;
    let meta: unknown;
    try {
      meta = JSON.parse(entry.meta);
    } catch {
      meta = undefined;
    }
    if (!request.isMeta(meta)) {
      this.context.stats.cache.rejected++;
      this.context.warn(`graph cache entry ${key} has unreadable metadata; rebuilding it`);
      await cache.remove(key);
      return undefined;
    }
    this.context.stats.cache.hits++;
    return { model: entry.model, meta, origin: 'cache' };
  }

  private async build<M>(request: GraphRequest<M>, origin: 'any' | 'probed'): Promise<SourcedGraph<M>> {
    const { stats } = this.context;
    if (origin === 'any') {
      const facts = await timed(stats, 'build', () => this.inferredFacts(request));
      if (facts) {
        try {
          const built = await timed(stats, 'build', () => request.build(facts));
          return { ...built, origin: 'inferred' };
        } catch (error) {
          // A rule that needs a value static inference does not compute (e.g. float Resize scales).
          if (!(error instanceof UnknownShapeError)) throw error;
        }
      }
    }
    const facts = await this.probedFacts(request);
    const built = await timed(stats, 'build', () => request.build(facts));
    return { ...built, origin: 'probed' };
  }

  private shapeKey<M>(request: GraphRequest<M>): string {
    return JSON.stringify([request.pointShapes, request.pointsPerRun]);
  }

  private inferredFacts<M>(request: GraphRequest<M>): TensorFacts | null {
    const key = this.shapeKey(request);
    if (!this.inferred.has(key)) {
      const { inputs } = this.context;
      const shapes = new Map(inputs.map((name, i) => [name, [request.pointsPerRun, ...(request.pointShapes[i] ?? [])]]));
      this.inferred.set(key, inferFacts(this.context.prepared.model, shapes));
    }
    return this.inferred.get(key) ?? null;
  }

  private probedFacts<M>(request: GraphRequest<M>): Promise<TensorFacts> {
    const key = this.shapeKey(request);
    let facts = this.probes.get(key);
    if (!facts) {
      const { ort, prepared, sessionOptions, stats } = this.context;
      stats.sessions.probe++;
      facts = timed(stats, 'build', () => inferShapes(ort, prepared, request.probeFeeds(), sessionOptions));
      facts.catch(() => this.probes.delete(key));
      this.probes.set(key, facts);
    }
    return facts;
  }
}
