import type { GradientBackend, PointBatch } from '@ig/core';
import type { onnx } from './proto/generated/onnx.js';
import { encodeModel } from './proto/model-io.js';
import { DataType, dataTypeName } from './proto/tensor.js';
import { domainOpset, MIN_OPSET, modelFacts } from './graph/model.js';
import { analyse } from './analysis.js';
import { resolveInputsAndOutput, toModel, upgradeModel } from './prepare.js';
import { lowerToFloat32 } from './graph/precision.js';
import { rewriteCeilModePoolsForWebGpu } from './webgpu-pools.js';
import { quietSessionOptions, type OrtModuleLike, type OrtSessionLike, type OrtSessionOptionsLike, type OrtTensorLike } from './runtime.js';
import { checkOutputBatchAxis } from './output-guard.js';
import { contextFeeds, resolveContext, type ContextInputs } from './context.js';
import { InvalidModelError, RuntimeError, UnknownShapeError, UnsupportedOpError } from './errors.js';
import type { GraphCache } from './graph-cache.js';
import { GraphSource, type SourcedGraph } from './graph-source.js';
import { optimizedKey, sessionStoringOptimized } from './optimized-sessions.js';
import { gradientRunner } from './gradient-session.js';
import { fusedIntegrate } from './fused-session.js';
import { padPoints, product, runsOf } from './run-batches.js';
import { emptyStats, gradientSessionOptions, openSession, providerName, timed, toFloat32, type ExecutionProvider, type OnnxBackendStats } from './session.js';

export type { ExecutionProvider, OnnxBackendStats } from './session.js';

export interface OnnxBackendOptions {
  /** Tried in order; the first that creates a session is used for everything. */
  readonly executionProviders?: readonly ExecutionProvider[];
  /** The output to explain; default the first graph output. */
  readonly output?: string;
  /**
   * Extra session options (threads, logging); execution providers are set from the list above.
   * Sessions log at severity 4 (fatal only) unless `logSeverityLevel` is given: onnxruntime's own
   * warnings, such as "Initializer appears in graph inputs" of older exports, stay off; set
   * `logSeverityLevel: 2` (warnings) or lower to see them.
   */
  readonly sessionOptions?: Omit<OrtSessionOptionsLike, 'executionProviders'>;
  /** Use a fused path graph for `integrate` (one run per segment); default true. */
  readonly fused?: boolean;
  /** The inputs to attribute; default every float input. */
  readonly inputs?: readonly string[];
  /**
   * Values of the inputs that are not attributed (token ids, attention masks, token type ids),
   * one example each, fed unchanged with every path point. See ContextTensor.
   */
  readonly context?: ContextInputs;
  /**
   * Path points per gradient or fused run. The backend builds one gradient session and one fused
   * session per input shape for its whole life, for this many points: larger calls run in several
   * runs, smaller ones are padded. Default: the number of points of the first call (the batch
   * size the core uses). Ignored for a model with a fixed batch size, which sets it.
   */
  readonly pointsPerRun?: number;
  /** Where built graphs are kept across processes (see `fileGraphCache` in `@ig/onnx/node`); default none. */
  readonly graphCache?: GraphCache;
  /** Receives warnings (an unusable cache entry, rebuilt); default none: the library prints nothing. */
  readonly onWarning?: (message: string) => void;
}

export interface OnnxBackend extends GradientBackend {
  /** The execution provider that loaded, e.g. `cpu`, `cuda`, `wasm`, `webgpu`. */
  readonly executionProvider: string;
  readonly inputNames: readonly string[];
  readonly outputName: string;
  /** Time spent so far by phase, sessions created, cache use. Live: read it after a call. */
  readonly stats: OnnxBackendStats;
}

const clock = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * A GradientBackend over an ONNX model on an onnxruntime module (onnxruntime-node or -web).
 * One gradient session and one fused session per input shape, each for a fixed number of points
 * per run (see OnnxBackendOptions.pointsPerRun), built from shapes inferred statically or, where
 * inference cannot decide them, probed by one run of the model; with a graph cache, built graphs
 * are read from and written to it.
 */
export async function createOnnxBackend(
  ort: OrtModuleLike,
  runtimeName: string,
  source: onnx.IModelProto | Uint8Array,
  options: OnnxBackendOptions = {},
): Promise<OnnxBackend> {
  const stats = emptyStats();
  const loadStart = clock();
  const model = runnableModel(source);
  const providers = options.executionProviders ?? ['cpu'];
  const sessionOptions = quietSessionOptions(options.sessionOptions);
  if (options.pointsPerRun !== undefined && !(Number.isSafeInteger(options.pointsPerRun) && options.pointsPerRun >= 1)) {
    throw new RuntimeError(`pointsPerRun must be an integer ≥ 1, got ${String(options.pointsPerRun)}`);
  }
  if (providers.some((p) => providerName(p) === 'webgpu')) {
    await rewriteCeilModePoolsForWebGpu(ort, model, runtimeName === 'onnxruntime-web' ? 'wasm' : 'cpu', sessionOptions);
  }
  const graph = model.graph as onnx.GraphProto;
  const facts = modelFacts(graph);
  const { inputs, output } = resolveInputsAndOutput(graph, facts, { output: options.output, inputs: options.inputs });
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const graphInputs = graph.input.filter((v) => !initializers.has(v.name));
  for (const info of graphInputs.filter((v) => inputs.includes(v.name ?? ''))) {
    const type = info.type?.tensorType?.elemType ?? DataType.FLOAT;
    if (type !== DataType.FLOAT) {
      throw new InvalidModelError(`input "${info.name}" is ${dataTypeName(type)}; an attributed input must be a float tensor (float64 and float16 models are computed in float32); attribute integer inputs such as token ids through a float layer`);
    }
  }
  const context = resolveContext(graph, inputs, options.context ?? {});
  // Unsupported ops fail here, before any session is created or run. (The model is already
  // upgraded and in float32: analysed in place, without checkGradientSupport's copies.)
  const analysis = analyse(model, Math.max(MIN_OPSET, domainOpset(model, '')), inputs, output, facts);
  if (analysis.unsupported.length > 0) throw new UnsupportedOpError(analysis.unsupported);
  const bytes = encodeModel(model);
  const cache = options.graphCache;
  // The digest covers the model as differentiated, so upgrades and provider rewrites key apart.
  const modelDigest = cache?.digest(bytes);
  await modelDigest;
  stats.seconds.load += (clock() - loadStart) / 1000;
  stats.sessions.forward++;
  const { session: forward, provider } = await timed(stats, 'session', () => openSession(ort, bytes, providers, sessionOptions));
  const chosen = { ...sessionOptions, executionProviders: [provider] };
  const gradientOptions = gradientSessionOptions(sessionOptions);
  // A fixed batch size on any input, a context input included, bounds the points per run.
  const firstDim = graphInputs.map((v) => v.type?.tensorType?.shape?.dim?.[0]).find((d) => d && !d.dimParam && Number(d.dimValue) > 0);
  const capacity = firstDim && !firstDim.dimParam && Number(firstDim.dimValue) > 0 ? Number(firstDim.dimValue) : undefined;
  let runSize = capacity ?? options.pointsPerRun;
  const pointsPerRun = (count: number): number => (runSize ??= Math.max(1, count));
  const warn = options.onWarning ?? ((): void => undefined);
  const optimizedKeyOf = (graphKey: string): Promise<string | undefined> => optimizedKey(cache, ort, graphKey, providerName(provider), gradientOptions);
  const graphs = new GraphSource({ ort, model, bytes, inputs, output, sessionOptions: chosen, stats, cache, modelDigest, warn, optimizedKeyOf });

  const run = (session: OrtSessionLike, feeds: Record<string, OrtTensorLike>): Promise<Record<string, OrtTensorLike>> =>
    timed(stats, 'compute', async () => {
      try {
        return await session.run(feeds);
      } catch (error) {
        throw new RuntimeError(`${runtimeName}/${providerName(provider)} failed to run the model`, [error]);
      }
    });
  const create = async (graphBytes: Uint8Array, createOptions: Omit<OrtSessionOptionsLike, 'executionProviders'>): Promise<OrtSessionLike> =>
    (await openSession(ort, graphBytes, [provider], createOptions)).session;
  const open = async <G extends SourcedGraph<unknown>>(graph: G, kind: 'gradient' | 'fused', reload: () => Promise<G>): Promise<{ graph: G; session: OrtSessionLike }> => {
    stats.sessions[kind]++;
    let source = graph;
    if (source.optimized) {
      try {
        return { graph: source, session: await timed(stats, 'session', () => create(source.model, { ...gradientOptions, graphOptimizationLevel: 'disabled' })) };
      } catch {
        // A stored optimized model this runtime cannot load: drop it, use the graph itself.
        await graphs.forgetOptimized(source);
        source = await reload();
      }
    }
    const { optimizedKey } = source;
    const session = await timed(stats, 'session', () =>
      cache && optimizedKey ? sessionStoringOptimized(cache, optimizedKey, source.model, JSON.stringify(source.meta), gradientOptions, create) : create(source.model, gradientOptions),
    );
    return { graph: source, session };
  };
  const contextFor = (count: number): Record<string, OrtTensorLike> => contextFeeds(ort, context, count);
  const parts = { ort, model, inputs, output, graphs, pointsPerRun, open, run, contextFeeds: contextFor };
  const gradientPart = gradientRunner(parts);
  // The fused path graph takes no context inputs: a model with context runs point batches.
  const fusedPart = options.fused !== false && capacity === undefined && context.length === 0 ? fusedIntegrate(parts) : undefined;

  /** A model with a fixed batch size takes exactly that many points per run (the last padded). */
  const predict = async (batch: PointBatch): Promise<Float32Array> => {
    const size = capacity ?? batch.count;
    const parts: Float32Array[] = [];
    for (const [start, count] of runsOf(batch.count, size)) {
      const feeds: Record<string, OrtTensorLike> = contextFor(size);
      inputs.forEach((name, i) => {
        const shape = batch.pointShapes[i] ?? [];
        feeds[name] = new ort.Tensor('float32', padPoints(batch.points[i] as Float32Array, product(shape), start, count, size), [size, ...shape]);
      });
      const results = await run(forward, feeds);
      checkOutputBatchAxis(results[output], output, size, capacity ?? Number.POSITIVE_INFINITY);
      const result = toFloat32(results[output], `output "${output}"`);
      parts.push(result.subarray(0, (result.length / size) * count));
    }
    return concat(parts);
  };

  const backend: OnnxBackend = {
    name: `${runtimeName}/${providerName(provider)}`,
    executionProvider: providerName(provider),
    inputNames: inputs,
    outputName: output,
    stats,
    predict,
    gradients: gradientPart.gradients,
    async dispose(): Promise<void> {
      const sessions = [forward, ...(await gradientPart.sessions()), ...((await fusedPart?.sessions()) ?? [])];
      await Promise.all(sessions.map((s) => s.release?.()));
    },
  };
  return fusedPart ? { ...backend, integrate: fusedPart.integrate } : backend;
}

/**
 * The model in float32 (see lowerToFloat32), and rewritten to opset 11 when it has a legacy opset
 * (6–10), which current runtimes can run; one whose rewrite needs shapes only a probe could give
 * is kept at its opset.
 */
function runnableModel(source: onnx.IModelProto | Uint8Array): onnx.ModelProto {
  let model: onnx.ModelProto;
  try {
    model = upgradeModel(source);
  } catch (error) {
    if (!(error instanceof UnknownShapeError)) throw error;
    model = toModel(source);
  }
  return lowerToFloat32(model);
}

function concat(parts: readonly Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0] as Float32Array;
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
