import type { GraphRequest, GraphSource, SourcedGraph } from './graph-source.js';
import type { PreparedModel } from '../model/prepare.js';
import type { OrtModuleLike, OrtSessionLike, OrtTensorLike } from './ort.js';

export type GraphKind = 'gradient' | 'fused';

/** Opens a session on a graph; `reload` gets the graph again without onnxruntime's optimized model (see openGraphSession). */
export type OpenGraphSession = <G extends SourcedGraph<unknown>>(
  graph: G,
  kind: GraphKind,
  reload: () => Promise<G>,
) => Promise<{ graph: G; session: OrtSessionLike }>;

export type RunSession = (session: OrtSessionLike, feeds: Record<string, OrtTensorLike>) => Promise<Record<string, OrtTensorLike>>;

/** A built graph with the session opened on it, one per input shape. */
export interface SessionEntry<M> extends SourcedGraph<M> {
  readonly session: OrtSessionLike;
}

export interface SessionCacheContext {
  readonly graphs: GraphSource;
  readonly open: OpenGraphSession;
  readonly run: RunSession;
}

/**
 * The gradient or fused sessions of a backend, one per input shape, and the one place that
 * falls back from a graph built from statically inferred shapes (or read from the cache) to one
 * built from a probe of the model: when the first fails to run, the second replaces it for good.
 */
export class SessionCache<M> {
  private readonly entries = new Map<string, Promise<SessionEntry<M>>>();

  constructor(
    private readonly kind: GraphKind,
    private readonly context: SessionCacheContext,
  ) {}

  /**
   * Runs the session for `request`'s input shape on `feeds(meta)`. A session whose graph was
   * inferred or cached and fails to run is released (a cached graph is dropped from the cache)
   * and replaced by one on a graph built from a probe, on which the run is tried once more.
   */
  async run(request: GraphRequest<M>, feeds: (meta: M) => Record<string, OrtTensorLike>): Promise<{ meta: M; results: Record<string, OrtTensorLike> }> {
    const entry = await this.entry(request, 'any');
    try {
      return { meta: entry.meta, results: await this.context.run(entry.session, feeds(entry.meta)) };
    } catch (error) {
      if (entry.origin === 'probed') throw error;
      if (entry.origin === 'cache') await this.context.graphs.forget(request);
      const exact = await this.entry(request, 'probed');
      await entry.session.release?.();
      return { meta: exact.meta, results: await this.context.run(exact.session, feeds(exact.meta)) };
    }
  }

  /** Empties the cache, returning the sessions that opened, for the caller to release. */
  async take(): Promise<OrtSessionLike[]> {
    const list: OrtSessionLike[] = [];
    for (const entry of this.entries.values()) {
      const settled = await entry.catch(() => undefined);
      if (settled) list.push(settled.session);
    }
    this.entries.clear();
    return list;
  }

  private entry(request: GraphRequest<M>, origin: 'any' | 'probed'): Promise<SessionEntry<M>> {
    const key = JSON.stringify(request.pointShapes);
    let entry = origin === 'any' ? this.entries.get(key) : undefined;
    if (!entry) {
      const { graphs, open } = this.context;
      entry = graphs.get(request, origin).then(async (graph) => {
        const opened = await open(graph, this.kind, () => graphs.get(request, origin, false));
        return { ...opened.graph, session: opened.session };
      });
      entry.catch(() => this.entries.delete(key));
      this.entries.set(key, entry);
    }
    return entry;
  }
}

/** What a per-input-shape gradient or fused session runner takes from its backend. */
export interface SessionContext {
  readonly ort: OrtModuleLike;
  readonly prepared: PreparedModel;
  readonly inputs: readonly string[];
  readonly output: string;
  /** Points per run: fixed by the first call, or (gradient runs) the model's fixed batch. */
  readonly pointsPerRun: (count: number) => number;
  /** A new cache of sessions of one kind (see SessionCache). */
  readonly sessionCache: <M>(kind: GraphKind) => SessionCache<M>;
}
