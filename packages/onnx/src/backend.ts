import type { GradientBackend, GradientRequest, GradientResponse, IntegrateRequest, IntegrateResponse, PointBatch } from '@ig/core';
import type { onnx } from './proto/generated/onnx.js';
import { encodeModel } from './proto/model-io.js';
import { DataType, dataTypeName } from './proto/tensor.js';
import { modelFacts } from './graph/model.js';
import { buildGradientModel } from './gradient.js';
import { checkGradientSupport } from './analysis.js';
import { resolveInputsAndOutput, toModel, upgradeModel } from './prepare.js';
import { lowerToFloat32 } from './graph/precision.js';
import { buildFusedModel } from './fused.js';
import { rewriteCeilModePoolsForWebGpu } from './webgpu-pools.js';
import { extrapolateFacts, inferShapes } from './probe.js';
import type { TensorFacts } from './graph/builder.js';
import { quietSessionOptions, type OrtModuleLike, type OrtSessionLike, type OrtSessionOptionsLike, type OrtTensorLike } from './runtime.js';
import { checkOutputBatchAxis } from './output-guard.js';
import { InvalidModelError, RuntimeError, UnknownShapeError, UnsupportedOpError } from './errors.js';
import { contextFeeds, resolveContext, type ContextInputs } from './context.js';

export type ExecutionProvider = string | { readonly name: string; readonly [option: string]: unknown };

export interface OnnxBackendOptions {
  /** Tried in order; the first that creates a session is used for everything. */
  readonly executionProviders?: readonly ExecutionProvider[];
  /** The output to explain; default the first graph output. */
  readonly output?: string;
  /** Extra session options (threads, logging); execution providers are set from the list above. */
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
}

export interface OnnxBackend extends GradientBackend {
  /** The execution provider that loaded, e.g. `cpu`, `cuda`, `wasm`, `webgpu`. */
  readonly executionProvider: string;
  readonly inputNames: readonly string[];
  readonly outputName: string;
}

function providerName(provider: ExecutionProvider): string {
  return typeof provider === 'string' ? provider : provider.name;
}

const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Options for the gradient and fused path sessions. Their graphs keep every forward activation
 * alive until the reverse pass, so onnxruntime's memory pattern plans one block of hundreds of
 * MiB per run, which the C allocator maps afresh on every run (on GoogLeNet, some 2,700 page
 * faults per fused run of 6 points, 5–30% of its time); without it, the arena reuses buffers.
 * An explicit `enableMemPattern` in the caller's options wins.
 */
function gradientSessionOptions(options: Omit<OrtSessionOptionsLike, 'executionProviders'>): Omit<OrtSessionOptionsLike, 'executionProviders'> {
  return { enableMemPattern: false, ...options };
}

/** Creates a session with the first provider that loads; throws listing every failure. */
async function openSession(
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

function toFloat32(tensor: OrtTensorLike | undefined, what: string): Float32Array {
  if (!tensor) throw new RuntimeError(`the runtime returned no ${what}`);
  const data = tensor.data;
  if (data instanceof Float32Array) return data;
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) return Float32Array.from(data as unknown as ArrayLike<number>);
  throw new RuntimeError(`${what} is of type ${tensor.type}, not a float tensor`);
}

interface GradientSession {
  readonly session: OrtSessionLike;
  readonly gradients: readonly string[];
  readonly outputShape: readonly number[];
  /** Built from a probe of the full batch rather than an extrapolation. */
  readonly exact: boolean;
}

interface FusedSession {
  readonly session: OrtSessionLike;
  readonly inputs: readonly { input: string; baseline: string; gradientSum: string }[];
  readonly alphas: string;
  readonly weights: string;
  readonly seed: string;
  readonly seedShape: readonly number[];
  readonly exact: boolean;
}

/**
 * A GradientBackend over an ONNX model on an onnxruntime module (onnxruntime-node or -web).
 * Gradient graphs are built once per input shape and batch size, from shapes probed on the
 * first batch, and cached with their sessions.
 */
export async function createOnnxBackend(
  ort: OrtModuleLike,
  runtimeName: string,
  source: onnx.IModelProto | Uint8Array,
  options: OnnxBackendOptions = {},
): Promise<OnnxBackend> {
  const model = runnableModel(source);
  const providers = options.executionProviders ?? ['cpu'];
  const sessionOptions = quietSessionOptions(options.sessionOptions);
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
  // Unsupported ops fail here, before any session is created or run.
  checkGradientSupport(model, { output, inputs });
  const bytes = encodeModel(model);
  const { session: forward, provider } = await openSession(ort, bytes, providers, sessionOptions);
  const chosen = { ...sessionOptions, executionProviders: [provider] };
  const gradientOptions = gradientSessionOptions(sessionOptions);
  // A fixed batch size on any input, a context input included, bounds the points per run.
  const firstDim = graphInputs.map((v) => v.type?.tensorType?.shape?.dim?.[0]).find((d) => d && !d.dimParam && Number(d.dimValue) > 0);
  const capacity = firstDim && !firstDim.dimParam && Number(firstDim.dimValue) > 0 ? Number(firstDim.dimValue) : Number.POSITIVE_INFINITY;
  const gradientSessions = new Map<string, Promise<GradientSession>>();
  const fusedSessions = new Map<string, Promise<FusedSession>>();

  const feedsOf = (points: readonly Float32Array[], shapes: readonly (readonly number[])[], start: number, count: number): Record<string, OrtTensorLike> => {
    const feeds: Record<string, OrtTensorLike> = contextFeeds(ort, context, count);
    inputs.forEach((name, i) => {
      const size = product(shapes[i] ?? []);
      const data = (points[i] as Float32Array).subarray(start * size, (start + count) * size);
      feeds[name] = new ort.Tensor('float32', data, [count, ...(shapes[i] ?? [])]);
    });
    return feeds;
  };

  const run = async (session: OrtSessionLike, feeds: Record<string, OrtTensorLike>): Promise<Record<string, OrtTensorLike>> => {
    try {
      return await session.run(feeds);
    } catch (error) {
      throw new RuntimeError(`${runtimeName}/${providerName(provider)} failed to run the model`, [error]);
    }
  };

  /** Splits a batch into runs the model accepts (models with a fixed batch size take that many). */
  const chunks = (count: number): [number, number][] => {
    const size = Number.isFinite(capacity) ? capacity : count;
    const list: [number, number][] = [];
    for (let start = 0; start < count; start += size) list.push([start, Math.min(size, count - start)]);
    return list;
  };

  /**
   * A model with a fixed batch size takes exactly that many points per run: a short chunk is
   * padded with zero points (and zero seeds), whose results are dropped.
   */
  const padded = (points: readonly Float32Array[], shapes: readonly (readonly number[])[], start: number, count: number): { points: Float32Array[]; count: number } => {
    if (!Number.isFinite(capacity) || count === capacity) {
      return { points: points.map((p, i) => p.subarray(start * product(shapes[i] ?? []), (start + count) * product(shapes[i] ?? []))), count };
    }
    return {
      points: points.map((p, i) => {
        const size = product(shapes[i] ?? []);
        const out = new Float32Array(capacity * size);
        out.set(p.subarray(start * size, (start + count) * size));
        return out;
      }),
      count: capacity,
    };
  };

  type FeedsFor = (count: number) => Record<string, OrtTensorLike>;

  /** Facts for `count` points: a direct probe, or two tiny probes extrapolated (see extrapolateFacts). */
  const probe = async (feedsFor: FeedsFor, count: number, exact: boolean): Promise<TensorFacts> => {
    if (exact || count <= 2 || Number.isFinite(capacity)) return inferShapes(ort, bytes, feedsFor(count), chosen);
    return extrapolateFacts(await inferShapes(ort, bytes, feedsFor(1), chosen), await inferShapes(ort, bytes, feedsFor(2), chosen), count);
  };

  const createGradientSession = async (feedsFor: FeedsFor, count: number, exact: boolean): Promise<GradientSession> => {
    const facts = await probe(feedsFor, count, exact);
    const built = buildGradientModel(model, { output, facts, inputs });
    const { session } = await openSession(ort, encodeModel(built.model), [provider], gradientOptions);
    const outputShape = built.outputShape ?? facts.shapes.get(output);
    if (!outputShape) throw new RuntimeError(`the probe did not report the shape of output "${output}"`);
    return { session, gradients: inputs.map((name) => built.gradients.get(name) as string), outputShape, exact: exact || count <= 2 };
  };

  const gradientSession = (shapes: readonly (readonly number[])[], count: number, feedsFor: FeedsFor, exact = false): Promise<GradientSession> => {
    const key = JSON.stringify([shapes, count]);
    let entry = exact ? undefined : gradientSessions.get(key);
    if (!entry) {
      // An extrapolated probe that does not fit this model falls back to probing the full batch.
      entry = createGradientSession(feedsFor, count, exact).catch((error: unknown) => {
        if (exact || error instanceof UnsupportedOpError) throw error;
        return createGradientSession(feedsFor, count, true);
      });
      entry.catch(() => gradientSessions.delete(key));
      gradientSessions.set(key, entry);
    }
    return entry;
  };

  const predictChunk = async (batch: PointBatch, start: number, count: number): Promise<Float32Array> => {
    const chunk = padded(batch.points, batch.pointShapes, start, count);
    const results = await run(forward, feedsOf(chunk.points, batch.pointShapes, 0, chunk.count));
    checkOutputBatchAxis(results[output], output, chunk.count, capacity);
    const out = toFloat32(results[output], `output "${output}"`);
    return out.subarray(0, (out.length / chunk.count) * count);
  };

  const backend: OnnxBackend = {
    name: `${runtimeName}/${providerName(provider)}`,
    executionProvider: providerName(provider),
    inputNames: inputs,
    outputName: output,

    async predict(batch: PointBatch): Promise<Float32Array> {
      const parts: Float32Array[] = [];
      for (const [start, count] of chunks(batch.count)) parts.push(await predictChunk(batch, start, count));
      return concat(parts);
    },

    async gradients(request: GradientRequest): Promise<GradientResponse> {
      const objective = new Float32Array(request.count);
      const gradients = inputs.map((_, i) => new Float32Array(request.count * product(request.pointShapes[i] ?? [])));
      const outputSize = request.count > 0 ? request.outputWeights.length / request.count : 0;
      for (const [start, count] of chunks(request.count)) {
        const chunk = padded(request.points, request.pointShapes, start, count);
        const feeds = feedsOf(chunk.points, request.pointShapes, 0, chunk.count);
        const feedsFor: FeedsFor = (n) => feedsOf(chunk.points, request.pointShapes, 0, n);
        const seed = new Float32Array(chunk.count * outputSize);
        seed.set(request.outputWeights.subarray(start * outputSize, (start + count) * outputSize));
        let entry = await gradientSession(request.pointShapes, chunk.count, feedsFor);
        let results: Record<string, OrtTensorLike>;
        try {
          results = await run(entry.session, { ...feeds, ig_seed: new ort.Tensor('float32', seed, entry.outputShape) });
        } catch (error) {
          if (entry.exact) throw error;
          const stale = entry;
          entry = await gradientSession(request.pointShapes, chunk.count, feedsFor, true);
          await stale.session.release?.();
          results = await run(entry.session, { ...feeds, ig_seed: new ort.Tensor('float32', seed, entry.outputShape) });
        }
        const out = toFloat32(results[output], `output "${output}"`);
        for (let k = 0; k < count; k++) {
          let sum = 0;
          for (let j = 0; j < outputSize; j++) sum += (seed[k * outputSize + j] as number) * (out[k * outputSize + j] as number);
          objective[start + k] = sum;
        }
        entry.gradients.forEach((name, i) => {
          const size = product(request.pointShapes[i] ?? []);
          (gradients[i] as Float32Array).set(toFloat32(results[name], `gradient "${name}"`).subarray(0, count * size), start * size);
        });
      }
      return { objective, gradients };
    },

    async dispose(): Promise<void> {
      const sessions = [forward];
      for (const entry of gradientSessions.values()) sessions.push((await entry.catch(() => undefined))?.session as OrtSessionLike);
      for (const entry of fusedSessions.values()) sessions.push((await entry.catch(() => undefined))?.session as OrtSessionLike);
      gradientSessions.clear();
      fusedSessions.clear();
      await Promise.all(sessions.filter(Boolean).map((s) => s.release?.()));
    },
  };

  // The fused path graph takes no context inputs: a model with context runs point batches.
  if (options.fused !== false && !Number.isFinite(capacity) && context.length === 0) {
    const createFusedSession = async (request: IntegrateRequest, exact: boolean): Promise<FusedSession> => {
      const steps = request.alphas.length;
      const points = request.input.map((x, i) => {
        const base = request.baseline[i] as Float32Array;
        const out = new Float32Array(steps * x.length);
        for (let k = 0; k < steps; k++) for (let j = 0; j < x.length; j++) out[k * x.length + j] = (base[j] as number) + (request.alphas[k] as number) * ((x[j] as number) - (base[j] as number));
        return out;
      });
      const facts = await probe((n) => feedsOf(points, request.pointShapes, 0, n), steps, exact);
      const fused = buildFusedModel(model, { output, steps, facts });
      const { session } = await openSession(ort, encodeModel(fused.model), [provider], gradientOptions);
      return {
        session,
        inputs: inputs.map((name) => fused.exampleInputs.get(name) as { input: string; baseline: string; gradientSum: string }),
        alphas: fused.alphas,
        weights: fused.weights,
        seed: fused.seed,
        seedShape: fused.seedShape,
        exact: exact || steps <= 2,
      };
    };
    const fusedSession = (request: IntegrateRequest, exact = false): Promise<FusedSession> => {
      const key = JSON.stringify([request.pointShapes, request.alphas.length]);
      let entry = exact ? undefined : fusedSessions.get(key);
      if (!entry) {
        entry = createFusedSession(request, exact).catch((error: unknown) => {
          if (exact || error instanceof UnsupportedOpError) throw error;
          return createFusedSession(request, true);
        });
        entry.catch(() => fusedSessions.delete(key));
        fusedSessions.set(key, entry);
      }
      return entry;
    };
    const runFused = async (entry: FusedSession, request: IntegrateRequest): Promise<Record<string, OrtTensorLike>> => {
      const steps = request.alphas.length;
      const feeds: Record<string, OrtTensorLike> = {
        [entry.alphas]: new ort.Tensor('float32', request.alphas, [steps]),
        [entry.weights]: new ort.Tensor('float32', request.weights, [steps]),
        [entry.seed]: new ort.Tensor('float32', request.outputWeights, entry.seedShape),
      };
      entry.inputs.forEach((names, i) => {
        const shape = [1, ...(request.pointShapes[i] ?? [])];
        feeds[names.input] = new ort.Tensor('float32', request.input[i] as Float32Array, shape);
        feeds[names.baseline] = new ort.Tensor('float32', request.baseline[i] as Float32Array, shape);
      });
      return run(entry.session, feeds);
    };
    const integrate = async (request: IntegrateRequest): Promise<IntegrateResponse> => {
      let entry = await fusedSession(request);
      let results: Record<string, OrtTensorLike>;
      try {
        results = await runFused(entry, request);
      } catch (error) {
        if (entry.exact) throw error;
        const stale = entry;
        entry = await fusedSession(request, true);
        await stale.session.release?.();
        results = await runFused(entry, request);
      }
      return { gradientSums: entry.inputs.map((names) => toFloat32(results[names.gradientSum], `gradient sum "${names.gradientSum}"`)) };
    };
    return { ...backend, integrate };
  }
  return backend;
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
