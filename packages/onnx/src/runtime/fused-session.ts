import type { IntegrateRequest, IntegrateResponse } from '@ig/core';
import { encodeModel } from '../proto/model-io.js';
import { buildFusedModel, type FusedContextInput } from '../autodiff/fused.js';
import type { GraphRequest } from './graph-source.js';
import type { OrtSessionLike, OrtTensorLike } from './ort.js';
import { padValues, product, runsOf } from './run-batches.js';
import { toFloat32 } from './session.js';
import type { SessionContext } from './session-cache.js';

interface FusedMeta {
  readonly inputs: readonly { input: string; baseline: string; gradientSum: string }[];
  readonly alphas: string;
  readonly weights: string;
  readonly seed: string;
  readonly seedShape: readonly number[];
  /** Per context input, the fused graph's `[1, …]` input that feeds it; absent when none. */
  readonly context?: readonly { name: string; input: string }[];
}

const isStringRecord = (value: unknown, keys: readonly string[]): boolean =>
  typeof value === 'object' && value !== null && keys.every((k) => typeof (value as Record<string, unknown>)[k] === 'string');

function isFusedMeta(meta: unknown): meta is FusedMeta {
  const m = meta as FusedMeta;
  return (
    isStringRecord(meta, ['alphas', 'weights', 'seed']) &&
    Array.isArray(m.inputs) &&
    m.inputs.every((entry) => isStringRecord(entry, ['input', 'baseline', 'gradientSum'])) &&
    Array.isArray(m.seedShape) &&
    m.seedShape.every((d) => Number.isSafeInteger(d)) &&
    (m.context === undefined || (Array.isArray(m.context) && m.context.every((entry) => isStringRecord(entry, ['name', 'input']))))
  );
}

export interface FusedContext extends SessionContext {
  /** The held-fixed (context) inputs, each with its rank. */
  readonly context: readonly FusedContextInput[];
  /** Their values for `count` points. */
  readonly contextFeeds: (count: number, slots: Int32Array | undefined) => Record<string, OrtTensorLike>;
}

/**
 * `integrate` on one fused path session per input shape: a segment of any length runs in runs of
 * the session's fixed number of points, the last padded with repeats of its last α at weight 0,
 * which adds exact zeros to the sum. Context inputs are fed once per run, for one example.
 */
export function fusedIntegrate(context: FusedContext): {
  integrate(request: IntegrateRequest): Promise<IntegrateResponse>;
  sessions(): Promise<OrtSessionLike[]>;
} {
  const { ort, prepared, inputs, output } = context;
  const cache = context.sessionCache<FusedMeta>('fused');

  const graphRequest = (request: IntegrateRequest, size: number): GraphRequest<FusedMeta> => ({
    kind: 'fused',
    pointShapes: request.pointShapes,
    pointsPerRun: size,
    options: { foldAffinePrefix: true },
    probeFeeds: () => {
      const alphas = padValues(request.alphas, 0, Math.min(size, request.alphas.length), size);
      const feeds: Record<string, OrtTensorLike> = context.contextFeeds(size, slotsOf(request, size));
      inputs.forEach((name, i) => {
        const x = request.input[i] as Float32Array;
        const base = request.baseline[i] as Float32Array;
        const points = new Float32Array(size * x.length);
        for (let k = 0; k < size; k++)
          for (let j = 0; j < x.length; j++) points[k * x.length + j] = (base[j] as number) + (alphas[k] as number) * ((x[j] as number) - (base[j] as number));
        feeds[name] = new ort.Tensor('float32', points, [size, ...(request.pointShapes[i] ?? [])]);
      });
      return feeds;
    },
    build: (facts) => {
      const fused = buildFusedModel(prepared, { output, steps: size, facts, context: context.context });
      return {
        model: encodeModel(fused.model),
        meta: {
          inputs: inputs.map((name) => fused.exampleInputs.get(name) as FusedMeta['inputs'][number]),
          alphas: fused.alphas,
          weights: fused.weights,
          seed: fused.seed,
          seedShape: fused.seedShape,
          context: [...fused.contextInputs].map(([name, input]) => ({ name, input })),
        },
      };
    },
    isMeta: isFusedMeta,
  });

  const feedsOf = (meta: FusedMeta, request: IntegrateRequest, size: number, start: number, count: number): Record<string, OrtTensorLike> => {
    const single = context.contextFeeds(1, slotsOf(request, 1));
    const feeds: Record<string, OrtTensorLike> = {
      ...Object.fromEntries((meta.context ?? []).map(({ name, input }) => [input, single[name] as OrtTensorLike])),
      [meta.alphas]: new ort.Tensor('float32', padValues(request.alphas, start, count, size), [size]),
      [meta.weights]: new ort.Tensor('float32', padValues(request.weights, start, count, size, 0), [size]),
      [meta.seed]: new ort.Tensor('float32', request.outputWeights, meta.seedShape),
    };
    meta.inputs.forEach((names, i) => {
      const shape = [1, ...(request.pointShapes[i] ?? [])];
      feeds[names.input] = new ort.Tensor('float32', request.input[i] as Float32Array, shape);
      feeds[names.baseline] = new ort.Tensor('float32', request.baseline[i] as Float32Array, shape);
    });
    return feeds;
  };

  const integrate = async (request: IntegrateRequest): Promise<IntegrateResponse> => {
    const size = context.pointsPerRun(request.alphas.length);
    const graph = graphRequest(request, size);
    const sums = request.pointShapes.map((shape) => new Float32Array(product(shape)));
    const runs = runsOf(request.alphas.length, size);
    for (const [start, count] of runs) {
      const { meta, results } = await cache.run(graph, (m) => feedsOf(m, request, size, start, count));
      meta.inputs.forEach((names, i) => {
        const part = toFloat32(results[names.gradientSum], `gradient sum "${names.gradientSum}"`);
        const sum = sums[i] as Float32Array;
        if (runs.length === 1) sum.set(part);
        else for (let j = 0; j < sum.length; j++) sum[j] = (sum[j] as number) + (part[j] as number);
      });
    }
    return { gradientSums: sums };
  };

  const sessions = (): Promise<OrtSessionLike[]> => cache.take();

  return { integrate, sessions };
}

/** Every slot of a fused run is the segment's example (undefined when the call does not say). */
function slotsOf(request: IntegrateRequest, size: number): Int32Array | undefined {
  return request.exampleIndex === undefined ? undefined : new Int32Array(size).fill(request.exampleIndex);
}
