import type { onnx } from '../proto/generated/onnx.js';
import type { PointBatch } from '@ig/core';
import { encodeModel } from '../proto/model-io.js';
import { isPrepared, prepareModel, type ModelData, type PreparedModel } from '../model/prepare.js';
import { checkFloatInputs, fixedBatch, resolveInputsAndOutput } from '../model/endpoints.js';
import { supportAnalysis } from '../autodiff/analysis.js';
import { quantizationNote } from '../autodiff/quantized-path.js';
import { optimizedKey } from '../cache/optimized-sessions.js';
import { LegacyUpgradeError, RuntimeError, UnsupportedOpError } from '../errors.js';
import { domainOpset } from '../graph/model.js';
import type { OnnxBackend, OnnxBackendOptions } from './backend-options.js';
import { batchRowsGuard, endpointsBatch } from './batch-rows.js';
import { ContextInputError, contextFeeds, resolveContext, type ResolvedContext } from './context.js';
import { forwardPredict } from './forward.js';
import { openForwardSession } from './forward-session.js';
import { modelDigest as digestOf } from './model-digest.js';
import { fusedIntegrate } from './fused-session.js';
import { gradientRunner } from './gradient-session.js';
import { GraphSource } from './graph-source.js';
import { graphSessionOpener } from './open-session.js';
import { quietSessionOptions, type OrtModuleLike, type OrtSessionLike, type OrtTensorLike } from './ort.js';
import { SessionCache, type GraphKind, type RunSession } from './session-cache.js';
import { emptyStats, gradientSessionOptions, providerName, timed, type OnnxBackendStats } from './session.js';
import { rewriteCeilModePoolsForWebGpu } from './webgpu-pools.js';

export type { OnnxBackend, OnnxBackendOptions } from './backend-options.js';
export type { ExecutionProvider, OnnxBackendStats } from './session.js';

const clock = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * A GradientBackend over an ONNX model on an onnxruntime module (onnxruntime-node or -web).
 * One gradient session and one fused session per input shape, each for a fixed number of points
 * per run (see OnnxBackendOptions.pointsPerRun), built from shapes inferred statically or, where
 * inference cannot decide them, probed by one run of the model; with a graph cache, built graphs
 * are read from and written to it. A model given as bytes or an object is prepared here (see
 * prepareModel); one already prepared is used as it is.
 */
export async function createOnnxBackend(
  ort: OrtModuleLike,
  runtimeName: string,
  source: ModelData | PreparedModel,
  options: OnnxBackendOptions = {},
): Promise<OnnxBackend> {
  return (await openOnnxBackend(ort, runtimeName, source, options)).backend;
}

/** createOnnxBackend, with the model as prepared for it (for the entry points' input checks). */
export async function openOnnxBackend(
  ort: OrtModuleLike,
  runtimeName: string,
  source: ModelData | PreparedModel,
  options: OnnxBackendOptions = {},
): Promise<{ backend: OnnxBackend; prepared: PreparedModel }> {
  const stats = emptyStats();
  const loadStart = clock();
  let prepared = prepareModel(source, { deferUpgrade: true });
  const providers = options.executionProviders ?? ['cpu'];
  const sessionOptions = quietSessionOptions(options.sessionOptions);
  if (options.pointsPerRun !== undefined && !(Number.isSafeInteger(options.pointsPerRun) && options.pointsPerRun >= 1)) {
    throw new RuntimeError(`pointsPerRun must be an integer ≥ 1, got ${String(options.pointsPerRun)}`);
  }
  const rewrites: string[] = [];
  if (providers.some((p) => providerName(p) === 'webgpu')) {
    prepared = await rewriteCeilModePoolsForWebGpu(ort, prepared, runtimeName === 'onnxruntime-web' ? 'wasm' : 'cpu', sessionOptions);
    rewrites.push(`webgpu-ceil-mode-pools:${runtimeName}`);
  }
  const graph = prepared.model.graph as onnx.GraphProto;
  const heldFixed = Object.keys(options.context ?? {});
  const { inputs, output } = resolveInputsAndOutput(graph, prepared.facts, { output: options.output, inputs: options.inputs, heldFixed });
  checkFloatInputs(graph, inputs);
  const context = resolveContext(graph, inputs, options.context ?? {});
  // Unsupported ops fail here, before any session is created or run.
  const analysis = supportAnalysis(prepared, inputs, output);
  if (analysis.unsupported.length > 0) throw new UnsupportedOpError(analysis.unsupported);
  const quantized = quantizationNote(analysis);
  if (quantized) options.onWarning?.(quantized);
  const cache = options.graphCache;
  const modelDigest = cache
    ? digestOf(cache, { source: isPrepared(source) || !(source instanceof Uint8Array) ? undefined : source, prepared, rewrites })
    : undefined;
  await modelDigest;
  stats.seconds.load += (clock() - loadStart) / 1000;
  stats.sessions.forward++;
  const { session: forward, provider } = await openForwardSession({
    ort,
    bytes: () => encodeModel(prepared.model),
    providers,
    sessionOptions,
    cache,
    modelDigest,
    stats,
  }).catch((error: unknown) => {
    // A legacy model runs as it is only to measure the shapes its rewrite needs: without its kernels, say so.
    throw prepared.pendingUpgrade ? new LegacyUpgradeError(domainOpset(prepared.model, ''), prepared.upgradeNeeds ?? '', error) : error;
  });
  const gradientOptions = gradientSessionOptions(sessionOptions);
  const capacity = fixedBatch(graph);
  let runSize = capacity ?? options.pointsPerRun;
  const pointsPerRun = (count: number): number => (runSize ??= Math.max(1, count));
  const warn = options.onWarning ?? ((): void => undefined);
  const quantizesPerBatch = graph.node.some((node) => node.opType === 'DynamicQuantizeLinear');
  const optimizedKeyOf = (graphKey: string): Promise<string | undefined> => optimizedKey(cache, ort, graphKey, providerName(provider), gradientOptions);
  const chosen = { ...sessionOptions, executionProviders: [provider] };
  const graphs = new GraphSource({ ort, prepared, inputs, output, sessionOptions: chosen, stats, cache, modelDigest, warn, optimizedKeyOf });
  const run = runner(stats, `${runtimeName}/${providerName(provider)}`);
  const open = graphSessionOpener({ ort, provider, sessionOptions: gradientOptions, graphs, cache, stats });
  // One cache of sessions per graph kind, shared by the backends of every context (withContext).
  const caches = new Map<GraphKind, SessionCache<unknown>>();
  const sessionCache = <M>(kind: GraphKind): SessionCache<M> => {
    const cached = caches.get(kind) ?? new SessionCache<unknown>(kind, { graphs, open, run });
    caches.set(kind, cached);
    return cached as SessionCache<M>;
  };
  const parts = { ort, prepared, inputs, output, pointsPerRun, sessionCache };
  const fused = options.fused !== false && capacity === undefined;
  const release = async (): Promise<void> => {
    const sessions = [forward, ...(await Promise.all([...caches.values()].map((c) => c.take()))).flat()];
    await Promise.all(sessions.map((s) => s.release?.()));
  };

  // One check of the batch rows per model, shared by the backends of every context.
  const guardBatchRows = batchRowsGuard({ ort, session: forward, inputs, output, capacity, run, quantizesPerBatch, warn });

  const backendFor = (values: readonly ResolvedContext[], dispose: () => Promise<void>): OnnxBackend => {
    const contextFor = (count: number, slots: Int32Array | undefined): Record<string, OrtTensorLike> => contextFeeds(ort, values, count, slots);
    const gradientPart = gradientRunner({ ...parts, contextFeeds: contextFor });
    const fusedContext = values.map(({ name, tensor }) => ({ name, rank: tensor.shape.length }));
    const fusedPart = fused ? fusedIntegrate({ ...parts, context: fusedContext, contextFeeds: contextFor }) : undefined;
    const predict = forwardPredict({ ort, session: forward, inputs, output, capacity, run, contextFeeds: contextFor });
    const checkBatchRows = (pointsOf: () => PointBatch): Promise<void> => guardBatchRows(pointsOf, contextFor);
    const backend: OnnxBackend = {
      name: `${runtimeName}/${providerName(provider)}`,
      executionProvider: providerName(provider),
      inputNames: inputs,
      outputName: output,
      stats,
      predict: async (batch) => {
        await checkBatchRows(() => batch);
        return predict(batch);
      },
      gradients: async (request) => {
        await checkBatchRows(() => request);
        return gradientPart.gradients(request);
      },
      withContext: (next) => backendFor(sameRanks(context, resolveContext(graph, inputs, next)), async () => undefined),
      dispose,
      ...(quantized === undefined ? {} : { straightThroughGradients: true }),
    };
    if (fusedPart === undefined) return backend;
    return {
      ...backend,
      integrate: async (request) => {
        await checkBatchRows(() => endpointsBatch(request));
        return fusedPart.integrate(request);
      },
    };
  };
  return { backend: backendFor(context, release), prepared };
}

/** New context values of the ranks the backend's graphs were built for (a rank is part of the fused graph). */
function sameRanks(first: readonly ResolvedContext[], next: readonly ResolvedContext[]): readonly ResolvedContext[] {
  for (const value of next) {
    const rank = first.find((c) => c.name === value.name)?.tensor.shape.length;
    if (rank !== undefined && rank !== value.tensor.shape.length)
      throw new ContextInputError(value.name, `has ${value.tensor.shape.length} axes; the backend was built for ${rank}`);
  }
  return next;
}

/** Runs a session, timing it as compute and naming the runtime and provider when it fails. */
function runner(stats: OnnxBackendStats, name: string): RunSession {
  return (session: OrtSessionLike, feeds: Record<string, OrtTensorLike>) =>
    timed(stats, 'compute', async () => {
      try {
        return await session.run(feeds);
      } catch (error) {
        throw new RuntimeError(`${name} failed to run the model`, [error]);
      }
    });
}
